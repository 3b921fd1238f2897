# A filesystem mounted read-only refuses every change with EROFS and still reads; an empty
# path is the current directory to stat and listdir, and names nothing to change.
import os, vfs

os.mkdir("data")
with open("data/f.txt", "w") as f:
    f.write("content")
fs = vfs.VfsPosix("data")
vfs.mount(fs, "/ro", readonly=True)
print(open("/ro/f.txt").read())
print(os.listdir("/ro"))
for name, op in (
    ("open w", lambda: open("/ro/new.txt", "w")),
    ("open a", lambda: open("/ro/f.txt", "a")),
    ("open r+", lambda: open("/ro/f.txt", "r+")),
    ("remove", lambda: os.remove("/ro/f.txt")),
    ("rename", lambda: os.rename("/ro/f.txt", "/ro/g.txt")),
    ("mkdir", lambda: os.mkdir("/ro/d")),
    ("rmdir", lambda: os.rmdir("/ro/d")),
):
    try:
        op()
        print(name, "allowed")
    except OSError as e:
        print(name, e)
vfs.umount("/ro")
print(os.listdir("data"))

for name, op in (("remove", os.remove), ("rmdir", os.rmdir), ("chdir", os.chdir)):
    try:
        op("")
        print(name, "allowed")
    except OSError as e:
        print(name, e)
print(type(os.listdir("")), os.stat("")[0] == os.stat(".")[0] == 0x4000)
