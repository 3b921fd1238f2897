# vfs.VfsLfs2 on a block device written in Python: format, mount, files and
# directories, remount, errors, statvfs, mounting in the tree, import.
import errno
import os
import sys
import vfs


class RAMBlockDevice:
    def __init__(self, blocks, block_size=512):
        self.block_size = block_size
        self.data = bytearray(blocks * block_size)
        self.fail = 0

    def readblocks(self, block, buf, off=0):
        if self.fail == "raise":
            raise ValueError("device gone")
        addr = block * self.block_size + off
        buf[:] = self.data[addr : addr + len(buf)]
        return self.fail

    def writeblocks(self, block, buf, off=None):
        addr = block * self.block_size + (off or 0)
        self.data[addr : addr + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:  # block count
            return len(self.data) // self.block_size
        if op == 5:  # block size
            return self.block_size
        if op == 6:  # erase a block
            return 0


def errname(e):
    return errno.errorcode.get(e.errno, e.errno)


bdev = RAMBlockDevice(64)

# Nothing on the device yet.
try:
    vfs.VfsLfs2(bdev)
except OSError as e:
    print("unformatted", e.errno)
try:
    vfs.mount(bdev, "/flash")
except OSError as e:
    print("mount unformatted:", e)

vfs.VfsLfs2.mkfs(bdev)
fs = vfs.VfsLfs2(bdev)
print(type(fs).__name__, fs.statvfs("/"))

# Files, text and binary.
with fs.open("hello.txt", "w") as f:
    print(f)
    print(f.write("hello\n"), f.write("littlefs\n"))
with fs.open("hello.txt", "r") as f:
    print(f.readline(), end="")
    print(f.read())
with fs.open("data.bin", "wb") as f:
    print(f)
    f.write(bytes(range(256)) * 8)
with fs.open("data.bin", "rb") as f:
    f.seek(1000)
    print(f.tell(), f.read(4))
with fs.open("hello.txt", "a") as f:
    f.write("more\n")
with fs.open("hello.txt", "r+b") as f:
    f.write(b"HE")
    f.seek(0)
    print(f.read())

# Directories, listing, stat.
fs.mkdir("lib")
fs.mkdir("lib/sub")
with fs.open("lib/mod.py", "w") as f:
    f.write("print('imported from flash')\nX = 42\n")
print(sorted(fs.ilistdir()))
print(list(fs.ilistdir(b"lib")))
st = fs.stat("data.bin")
print(st[:7], type(st[8]))
print(fs.stat("lib")[0] == 0x4000)
fs.chdir("lib")
print(fs.getcwd(), sorted(n for n, *_ in fs.ilistdir()))
fs.chdir("sub/../..")
print(fs.getcwd())
fs.rename("hello.txt", "lib/hello.txt")
print(sorted(n for n, *_ in fs.ilistdir("/lib")))

# Errors.
for op, args in (
    ("open", ("missing.txt", "r")),
    ("stat", ("missing",)),
    ("mkdir", ("lib",)),
    ("rmdir", ("lib",)),
    ("remove", ("missing",)),
    ("rename", ("missing", "other")),
    ("chdir", ("data.bin",)),
):
    try:
        getattr(fs, op)(*args)
    except OSError as e:
        print(op, errname(e))
try:
    fs.open("data.bin", "rw")
except ValueError:
    print("open mode ValueError")
f = fs.open("data.bin", "rb")
f.close()
try:
    f.read()
except ValueError:
    print("closed file ValueError")

# An exception the device raises comes out as itself; an error code as OSError.
bdev.fail = "raise"
try:
    fs.open("data.bin", "rb").read()
except ValueError as e:
    print("device raised:", e)
bdev.fail = -5
try:
    fs.open("data.bin", "rb").read()
except OSError as e:
    print("device failed:", errname(e))
bdev.fail = 0

# Space: a large file takes blocks, removing it gives them back.
free = fs.statvfs("/")[3]
with fs.open("big", "wb") as f:
    for i in range(20):
        f.write(bytes([i]) * 500)
print(fs.stat("big")[6], free - fs.statvfs("/")[3])
fs.remove("big")
print(fs.statvfs("/")[3] == free)

# A remount finds everything again.
fs = vfs.VfsLfs2(bdev, mtime=False)
print(sorted(fs.ilistdir()))
with fs.open("lib/hello.txt", "r") as f:
    print(f.read(), end="")

# Mounted in the tree: open, os, import.
vfs.mount(fs, "/flash")
with open("/flash/x.txt", "w") as f:
    f.write("through open")
print(sorted(os.listdir("/flash")))
print(os.stat("/flash/x.txt")[6], os.statvfs("/flash")[:3])
os.mkdir("/flash/d")
os.rename("/flash/x.txt", "/flash/d/x.txt")
print(os.listdir("/flash/d"))
sys.path.insert(0, "/flash/lib")
import mod

print(mod.X)
sys.path.pop(0)
vfs.umount("/flash")

# Read-only: reading works, writing is EROFS.
vfs.mount(vfs.VfsLfs2(bdev), "/ro", readonly=True)
print(open("/ro/d/x.txt").read())
try:
    open("/ro/new", "w")
except OSError as e:
    print("read-only:", errname(e))
vfs.umount("/ro")

# A block device with littlefs on it is recognised by vfs.mount.
vfs.mount(bdev, "/auto")
print(sorted(os.listdir("/auto")))
vfs.umount("/auto")
