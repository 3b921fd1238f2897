# hashlib: sha256, sha1 and md5 of known inputs, chunked updates, digest finality, errors.
import hashlib
from binascii import hexlify


def check(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


# sha256 in detail.
h = hashlib.sha256()
print(type(h).__name__, repr(h))
print(h.update(b"abc"))
d = h.digest()
print(type(d).__name__, len(d), hexlify(d))
check(lambda: h.digest())
check(lambda: h.update(b"x"))
for data in (b"", b"abc", b"a" * 64, b"a" * 1000, bytes(range(256)),
             b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             b"The quick brown fox jumps over the lazy dog"):
    print(len(data), hexlify(hashlib.sha256(data).digest()))
print(hashlib.sha256(bytearray(b"abc")).digest() == hashlib.sha256(b"abc").digest())
print(hashlib.sha256(memoryview(b"xabcx")[1:4]).digest() == hashlib.sha256(b"abc").digest())
print(hashlib.sha256("abc").digest() == hashlib.sha256(b"abc").digest())
print(hashlib.sha256("é").digest() == hashlib.sha256("é".encode()).digest())
h = hashlib.sha256()
for chunk in (b"The quick ", b"", b"brown fox ", b"jumps over the lazy dog"):
    h.update(chunk)
print(h.digest() == hashlib.sha256(b"The quick brown fox jumps over the lazy dog").digest())
h = hashlib.sha256(b"a" * 63)
h.update(b"a")
h.update(b"a" * 65)
print(h.digest() == hashlib.sha256(b"a" * 129).digest())
h = hashlib.sha256()
for i in range(100):
    h.update(bytes([i]))
print(h.digest() == hashlib.sha256(bytes(range(100))).digest())
check(lambda: hashlib.sha256(5))
check(lambda: hashlib.sha256(None))
check(lambda: hashlib.sha256().update(5))
check(lambda: hashlib.sha256().update([1, 2]))
check(lambda: hashlib.sha256(b"a", b"b"))
check(lambda: hashlib.sha256().update())
check(lambda: hashlib.sha256().hexdigest())

# sha1 and md5 behave the same way (on ports built with them; their digests are the standard vectors).
for name in ("sha1", "md5"):
    algo = getattr(hashlib, name)
    for data in (b"", b"abc", b"a" * 1000, b"The quick brown fox jumps over the lazy dog",
                 bytes(range(256))):
        print(name, len(data), hexlify(algo(data).digest()))
    h = algo()
    h.update(b"The quick ")
    h.update(b"brown fox jumps over the lazy dog")
    d = h.digest()
    print(name, len(d), d == algo(b"The quick brown fox jumps over the lazy dog").digest())
    check(lambda: h.digest())
    check(lambda: h.update(b"x"))
    print(algo(bytearray(b"abc")).digest() == algo(b"abc").digest())
    check(lambda: algo(5))
    check(lambda: algo().update(5))
import uhashlib
print(uhashlib is hashlib)
