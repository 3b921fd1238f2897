# struct: pack/unpack/calcsize/pack_into/unpack_from, format characters, byte orders, errors.
import struct

# Standard sizes with an explicit byte order.
for order in "<>!":
    print(order, [struct.calcsize(order + c) for c in "bBhHiIlLqQfdesx"])
# Native sizes and alignment (for the codes whose size is the same on every port).
print([struct.calcsize(c) for c in "bBhHiIqQfdesx"])
print(struct.calcsize("bi"), struct.calcsize("<bi"), struct.calcsize("bhb"), struct.calcsize("bbh"))
print(struct.calcsize("hi"), struct.calcsize("ih"), struct.calcsize("@bh"), struct.calcsize(">bh"))
print(struct.calcsize("3s"), struct.calcsize("0s"), struct.calcsize("<2h3B"), struct.calcsize("<10x"))
print(struct.calcsize(""), struct.calcsize("<"), struct.calcsize("<4i"), struct.calcsize("<3d"))

# Integers in each byte order.
print(struct.pack("<h", 1), struct.pack(">h", 1), struct.pack("!h", 1))
print(struct.pack("<i", 0x01020304), struct.pack(">i", 0x01020304))
print(struct.pack("<I", 0xDEADBEEF), struct.pack(">I", 0xDEADBEEF))
print(struct.pack("<q", -2), struct.pack(">Q", 2**64 - 1))
print(struct.pack("<l", -1), struct.pack(">L", 1))
print(struct.pack("<bBhH", -1, 255, -2, 65535))
print(struct.unpack("<bBhH", b"\xff\xff\xfe\xff\xff\xff"))
print(struct.unpack(">iI", b"\xff\xff\xff\xfe\xff\xff\xff\xfe"))
print(struct.unpack("<qQ", b"\xff" * 16), struct.unpack(">q", b"\x80" + b"\x00" * 7))
print(struct.unpack("<2h3B", bytes(range(7))), struct.unpack(">i", b"\x00\x00\x01\x00"))
print(struct.pack("<2h", 1, 2), struct.pack("<3B", 1, 2, 3), struct.unpack("<4b", b"\x01\x02\x03\x04"))
for fmt, v in (("<q", 2**63 - 1), ("<q", -2**63), ("<Q", 2**64 - 1), ("<i", -2**31), ("<I", 2**32 - 1)):
    print(fmt, v, struct.unpack(fmt, struct.pack(fmt, v))[0] == v)

# Floats, including half precision.
print(struct.pack("<f", 1.5), struct.pack(">f", -2.0), struct.pack("<d", 0.1))
print(struct.pack("<e", 1.5), struct.pack(">e", -2.0), struct.pack("<e", 65504.0))
print(struct.unpack("<f", struct.pack("<f", 0.5)), struct.unpack("<d", struct.pack("<d", 1e300)))
print(struct.unpack("<e", b"\x00\x3e"), struct.unpack(">e", b"\x3c\x00"), struct.unpack("<e", b"\x00\x7c"))
print(struct.unpack("<f", struct.pack("<f", 0.1))[0] == 0.1, abs(struct.unpack("<f", struct.pack("<f", 0.1))[0] - 0.1) < 1e-7)
print(struct.pack("<f", 1), struct.pack("<d", 2), struct.unpack("<d", struct.pack("<d", float("inf"))))

# Strings and padding.
print(struct.pack("5s", b"ab"), struct.pack("2s", b"abcd"), struct.pack("s", b"xyz"), struct.pack("0s", b"q"))
print(struct.unpack("3s", b"abc"), struct.unpack("<2sh", b"hi\x01\x00"), struct.unpack("0s", b""))
print(struct.pack("<s", "ab"), struct.pack("<4s", bytearray(b"xy")))
print(struct.pack("2x"), struct.pack("<bx", 1), struct.pack("<b3xb", 1, 2), struct.unpack("<bxb", b"\x01\x02\x03"))
print(struct.pack("<hs2x", 7, b"z"), struct.unpack("<2xh", b"\xaa\xbb\x05\x00"))

# Native alignment pads between fields.
print(struct.pack("bi", 1, 2), struct.pack("<bi", 1, 2), struct.pack("bh", 1, 2))
print(struct.unpack("bi", b"\x01\x00\x00\x00\x02\x00\x00\x00"))

# Out-of-range integers are truncated, not rejected.
print(struct.pack("<b", 200), struct.pack("<B", -1), struct.pack("<B", 256), struct.pack("<h", 70000))
print(struct.pack("<b", 128), struct.pack("<H", -1), struct.pack("<Q", -1), struct.pack("<q", 2**63))

# Buffers of any kind.
print(struct.unpack("<h", memoryview(b"\x01\x02")), struct.unpack("<h", bytearray(b"\x01\x02")))
print(struct.unpack("<i", b"12345"))

# pack_into and unpack_from, with positive and negative offsets.
buf = bytearray(8)
print(struct.pack_into("<hh", buf, 2, 1, -1), buf)
print(struct.pack_into("<h", buf, -2, 5), buf)
print(struct.pack_into(">I", buf, 0, 0xAABBCCDD), buf)
print(struct.unpack_from("<h", buf, 2), struct.unpack_from("<h", buf, -2), struct.unpack_from("<b", buf))
print(struct.unpack_from("<2B", b"\x01\x02\x03\x04", 1), struct.unpack_from("<B", memoryview(b"\x09\x08"), 1))
mv = memoryview(bytearray(4))
struct.pack_into("<H", mv, 1, 0x1234)
print(bytes(mv))

# Errors.
def check(f):
    try:
        print("ok", f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


check(lambda: struct.calcsize("z"))
check(lambda: struct.pack("z", 1))
check(lambda: struct.unpack("z", b"1"))
check(lambda: struct.calcsize("?"))
check(lambda: struct.unpack("<i", b"123"))
check(lambda: struct.unpack("<i", b""))
check(lambda: struct.pack("<i", "a"))
check(lambda: struct.pack("<i", 1.5))
check(lambda: struct.pack("<f", "a"))
check(lambda: struct.pack("<s", 1))
check(lambda: struct.pack("<i", None))
check(lambda: struct.unpack("<h", "ab"))
check(lambda: struct.unpack("<h", 12))
check(lambda: struct.pack_into("<i", buf, 6, 1))
check(lambda: struct.pack_into("<i", buf, -9, 1))
check(lambda: struct.pack_into("<i", buf, 8, 1))
check(lambda: struct.pack_into("<i", b"12345678", 0, 1))
check(lambda: struct.unpack_from("<i", buf, 6))
check(lambda: struct.unpack_from("<i", buf, -9))
check(lambda: struct.unpack_from("<i", buf, 8))
check(lambda: struct.pack())
check(lambda: struct.calcsize(5))
check(lambda: struct.calcsize(" <h h"))
check(lambda: struct.pack("<h h", 1, 2))
check(lambda: struct.pack("<i", 1, 2))
check(lambda: struct.pack("<ii", 1))
import ustruct
print(ustruct is struct)
