# uctypes: struct descriptors over buffers (scalars, bit fields, arrays, nested structs,
# pointers), sizeof with each layout, addressof, bytes_at and bytearray_at.
import uctypes

desc = {
    "u8": uctypes.UINT8 | 0,
    "i8": uctypes.INT8 | 1,
    "u16": uctypes.UINT16 | 2,
    "i32": uctypes.INT32 | 4,
    "u64": uctypes.UINT64 | 8,
    "f32": uctypes.FLOAT32 | 16,
    "bf_lo": uctypes.BFUINT16 | 2 | 0 << uctypes.BF_POS | 4 << uctypes.BF_LEN,
    "bf_hi": uctypes.BFUINT16 | 2 | 12 << uctypes.BF_POS | 4 << uctypes.BF_LEN,
    "arr": (uctypes.ARRAY | 20, uctypes.UINT16 | 2),
    "bytes": (uctypes.ARRAY | 24, uctypes.UINT8 | 4),
    "sub": (24, {"a": uctypes.UINT8 | 0, "b": uctypes.UINT8 | 1}),
    "subs": (uctypes.ARRAY | 24, 2, {"w": uctypes.UINT16 | 0}),
}
buf = bytearray(28)
for layout in (uctypes.LITTLE_ENDIAN, uctypes.BIG_ENDIAN):
    for i in range(len(buf)):
        buf[i] = 0
    s = uctypes.struct(uctypes.addressof(buf), desc, layout)
    s.u8 = 0x1FF
    s.i8 = -2
    s.u16 = 0xABCD
    s.i32 = -100000
    s.u64 = 2**64 - 2
    s.f32 = 1.5
    s.arr[1] = 0x1234
    s.bytes[3] = 9
    s.sub.a = 7
    print(bytes(buf))
    print(s.u8, s.i8, hex(s.u16), s.i32, s.u64, s.f32, hex(s.bf_lo), hex(s.bf_hi))
    print(s.arr[0], hex(s.arr[1]), s.bytes[0], s.sub.a, s.sub.b, hex(s.subs[1].w))
    s.bf_lo = 0x5
    print(hex(s.u16))
    try:
        s.arr[2]
    except IndexError:
        print("IndexError")

print(uctypes.sizeof(desc, uctypes.LITTLE_ENDIAN), uctypes.sizeof(desc), uctypes.sizeof(desc, uctypes.NATIVE))
print(uctypes.sizeof({"a": uctypes.UINT8 | 0, "b": uctypes.UINT32 | 1}, uctypes.NATIVE))
print(uctypes.sizeof((uctypes.ARRAY | 0, 3, {"x": uctypes.UINT16 | 0})))
try:
    uctypes.sizeof(uctypes.UINT8)
except TypeError:
    print("TypeError")

data = b"abcd"
ptrs = {"p": (uctypes.PTR | 0, uctypes.UINT8), "ps": (uctypes.PTR | 0, {"c": uctypes.UINT8 | 1})}
cell = bytearray(uctypes.sizeof(ptrs))
addr = uctypes.addressof(data)
cell[:] = addr.to_bytes(len(cell), "little")
ps = uctypes.struct(uctypes.addressof(cell), ptrs, uctypes.LITTLE_ENDIAN)
print(int(ps.p) == addr, ps.p[0], ps.p[3], ps.ps[0].c, ps.ps[1].c)

a = uctypes.addressof(buf)
print(uctypes.bytes_at(a + 20, 4))
view = uctypes.bytearray_at(a + 24, 2)
view[0] = 65
print(buf[24], uctypes.addressof(view) == a + 24, uctypes.addressof(memoryview(buf)[3:]) == a + 3)
try:
    uctypes.bytes_at(a + 27, 4)
except ValueError:
    print("out of range")
try:
    uctypes.struct(buf, desc)
except TypeError:
    print("TypeError")
for bad in (lambda: hash(s), lambda: s[0], lambda: setattr(s, "arr", 1)):
    try:
        bad()
    except TypeError:
        print("TypeError")
print(repr(uctypes.struct(0, {}))[:15], repr(uctypes.struct(0, (uctypes.PTR | 0, uctypes.UINT8))))
