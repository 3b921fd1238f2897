# binascii (hex, base64, crc32) and hashlib (sha256, sha1, md5).
import binascii, hashlib

print(binascii.hexlify(b"\x00\x7f\xff"), binascii.hexlify(b"abc", "-"), binascii.hexlify(b""))
print(binascii.unhexlify("007fFF"), binascii.unhexlify(b"6162"))
for bad in ("abc", "zz"):
    try:
        binascii.unhexlify(bad)
    except ValueError:
        print("ValueError", bad)
for data in (b"", b"f", b"fo", b"foo", b"foobar", bytes(range(256))[:7]):
    enc = binascii.b2a_base64(data)
    print(enc, binascii.a2b_base64(enc) == data)
print(binascii.b2a_base64(b"hi", newline=False), binascii.a2b_base64("aGk=\n"))
print(binascii.a2b_base64(b"Zm9v===YmFy"), binascii.a2b_base64(b"Zm\n9v"))
for bad in (b"abc", b"a===", b"ab=cdef="):
    try:
        binascii.a2b_base64(bad)
    except ValueError:
        print("ValueError", bad)
print(hex(binascii.crc32(b"123456789")), hex(binascii.crc32(b"6789", binascii.crc32(b"12345"))))

for algo in (hashlib.sha256, hashlib.sha1, hashlib.md5):
    h = algo()
    h.update(b"abc")
    print(binascii.hexlify(h.digest()))
    print(algo(b"a" * 1000).digest() == algo(b"a" * 500 + b"a" * 500).digest())
    try:
        h.digest()
    except ValueError:
        print("digest once")
h = hashlib.sha256(b"x")
h.digest()
try:
    h.update(b"y")
except ValueError:
    print("no update after digest")
print(len(hashlib.sha256().digest()), len(hashlib.sha1().digest()), len(hashlib.md5().digest()))
