# deflate.DeflateIO: compress and decompress in raw, zlib and gzip formats, streaming.
import deflate, io

data = b"micropython " * 20 + bytes(range(64))
for fmt in (deflate.RAW, deflate.ZLIB, deflate.GZIP):
    out = io.BytesIO()
    with deflate.DeflateIO(out, fmt) as d:
        d.write(data[:100])
        d.write(data[100:])
    packed = out.getvalue()
    print(fmt, len(packed) < len(data))
    back = deflate.DeflateIO(io.BytesIO(packed), fmt)
    print(back.read(12), back.read(5), back.read() == data[17:])
    if fmt != deflate.RAW:
        print(deflate.DeflateIO(io.BytesIO(packed)).read() == data)

zlib_hello = b"x\x9c\xcbH\xcd\xc9\xc9\x07\x00\x06,\x02\x15"
print(deflate.DeflateIO(io.BytesIO(zlib_hello), deflate.ZLIB).read())
g = deflate.DeflateIO(io.BytesIO(b"x\x9c\xcbH\xcd\xc9\xc9\x07\x00\x06,\x02\x15\nline2"))
print(g.readline())
for bad, fmt in ((b"abcef", deflate.RAW), (b"\x07", deflate.RAW), (zlib_hello[:5], deflate.ZLIB)):
    try:
        deflate.DeflateIO(io.BytesIO(bad), fmt).read()
        print("no error")
    except (OSError, EOFError) as e:
        print(type(e).__name__)
g = deflate.DeflateIO(io.BytesIO(zlib_hello))
g.close()
try:
    g.read()
except OSError:
    print("closed")
