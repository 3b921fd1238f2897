# A filesystem written in Python, mounted into the tree: open, os and import go through it.
import os, sys, vfs, io


class RamFile(io.IOBase):
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def read(self, n=-1):
        end = len(self.data) if n < 0 else self.pos + n
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk.decode()

    def readinto(self, buf):
        n = min(len(buf), len(self.data) - self.pos)
        buf[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n

    def ioctl(self, req, arg):
        print("ioctl", req)
        return 0


class RamFS:
    def __init__(self, files):
        self.files = files
        self.cwd = "/"

    def mount(self, readonly, mkfs):
        print("mount", readonly, mkfs)

    def umount(self):
        print("umount")

    def stat(self, path):
        print("stat", path)
        if path in self.files:
            return (0x8000, 0, 0, 0, 0, 0, len(self.files[path]), 0, 0, 0)
        raise OSError(2)

    def ilistdir(self, path):
        print("ilistdir", path)
        return iter([(name[1:], 0x8000, 0) for name in self.files])

    def open(self, path, mode):
        print("open", path, mode)
        if not path.startswith("/"):
            path = self.cwd.rstrip("/") + "/" + path
        return RamFile(self.files[path])

    def chdir(self, path):
        print("chdir", path)
        self.cwd = path

    def getcwd(self):
        return self.cwd


fs = RamFS({"/hello.py": b"print('hello from ramfs')\nX = 42\n", "/notes.txt": b"some notes"})
vfs.mount(fs, "/ram")
print([m for f, m in vfs.mount() if f is fs])
print(sorted(os.listdir("/ram")))
print(open("/ram/notes.txt").read())
sys.path.insert(0, "/ram")
import hello
print(hello.X)
sys.path.pop(0)
os.chdir("/ram")
print(os.getcwd())
print(open("notes.txt").read(4))
os.chdir("/")
vfs.umount("/ram")
try:
    vfs.umount("/ram")
except OSError as e:
    print("umount again:", e)
try:
    open("/ram/notes.txt")
except OSError as e:
    print("gone:", e)
