# io.StringIO and io.BytesIO, print to a stream, and streams written in Python.
import io

s = io.StringIO("héllo\nwörld\n")
print(s.read(2), s.readline(), end="")
print(repr(s.read()), repr(s.read()))
s = io.StringIO()
print(s.write("abc"), s.write("é"))
print(repr(s.getvalue()), s.tell())
s.seek(1)
s.write("X")
print(repr(s.getvalue()))
print("to", "stream", sep="-", end="!\n", file=s)
print(repr(s.getvalue()))

b = io.BytesIO(b"\x00\x01\x02line\nrest")
print(b.read(3), b.readline(), b.read(), b.read())
b = io.BytesIO()
b.write(b"abc")
b.write(bytearray(b"de"))
b.seek(0, 2)
b.write(memoryview(b"fgh")[1:])
print(b.getvalue(), b.tell())
b.seek(10)
b.write(b"!")
print(b.getvalue())
with io.BytesIO(b"x\ny\n") as b:
    print([line for line in b])
try:
    b.getvalue()
except (OSError, ValueError):
    print("closed")
try:
    io.BytesIO().write("text")
except TypeError:
    print("TypeError")
print(io.StringIO(10).getvalue() == "", io.BytesIO(4).getvalue())


class Upper(io.IOBase):
    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data).upper())
        return len(data)


u = Upper()
print("a", "b", file=u)
print(u.parts, isinstance(u, io.IOBase))
import uio
print(uio.StringIO is io.StringIO)
