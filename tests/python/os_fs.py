# os: directories, stat, rename, remove, the current directory.
import os

os.mkdir("d")
os.mkdir("d/sub")
with open("d/a.txt", "w") as f:
    f.write("hello")
print(sorted(os.listdir("d")))
print(sorted((name, kind) for name, kind, *_ in os.ilistdir("d")))
st = os.stat("d/a.txt")
print(len(st), st[0] & 0x8000 != 0, st[6])
print(os.stat("d")[0] & 0x4000 != 0)

os.rename("d/a.txt", "d/b.txt")
print(sorted(os.listdir("d")))
os.chdir("d")
print(sorted(os.listdir()), open("b.txt").read())
os.chdir("sub")
print(os.listdir(""), os.listdir(".."))
os.chdir("../..")

for op, arg in ((os.mkdir, "d"), (os.rmdir, "d"), (os.remove, "nope"), (os.rmdir, "nope"), (os.stat, "nope"), (os.listdir, "nope")):
    try:
        op(arg)
    except OSError as e:
        print(arg, e)
os.remove("d/b.txt")
os.rmdir("d/sub")
os.rmdir("d")
print("d" in os.listdir())
print(len(os.statvfs(".")))
print(len(os.urandom(7)), type(os.urandom(1)))
print(os.sep, type(os.uname().sysname), len(os.uname()))
import uos
print(uos is os)
