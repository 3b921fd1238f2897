# Files on the board's filesystem: text and binary, reading, writing, seeking.
with open("f.txt", "w") as f:
    print(f.write("line one\n"), f.write("zwei: äöü\n"), f.write("three"))
f = open("f.txt")
print(f.readline(), end="")
print(repr(f.read(6)))
print(repr(f.readline()))
print(repr(f.read()))
print(repr(f.read()))
f.close()
print(list(open("f.txt")))
print(open("f.txt").readlines()[1])

f = open("f.bin", "wb")
print(f.write(bytes(range(256))))
f.close()
f = open("f.bin", "rb")
print(f.read(4), f.tell())
print(f.seek(250), f.read())
print(f.seek(-3, 2), f.read(2), f.tell())
print(f.seek(1, 1), f.read(), f.tell())
buf = bytearray(8)
f.seek(16)
print(f.readinto(buf), buf)
print(f.readinto(buf, 3), buf)
mv = memoryview(buf)
print(f.readinto(mv[4:]), buf)
f.close()

# append and read-write modes
with open("f.txt", "a") as f:
    f.write("\nfour")
print(open("f.txt").read().split("\n"))
with open("f.bin", "r+b") as f:
    f.seek(2)
    f.write(b"XY")
    f.seek(0)
    print(f.read(5))
with open("new.txt", "w+") as f:
    f.write("abc")
    f.seek(0)
    print(f.read())

# a closed file refuses work; a missing file is ENOENT
f = open("f.txt")
f.close()
f.close()
for op in (f.read, f.readline, lambda: f.seek(0), lambda: f.write("x")):
    try:
        op()
    except (OSError, ValueError):
        print("closed: OSError")
try:
    open("missing.txt")
except OSError as e:
    print(e.errno, e)
with open("f.txt") as f:
    print(type(f).__name__, f.readline().strip())
with open("f.bin", "rb") as f:
    print(type(f).__name__, len(f.read()))
