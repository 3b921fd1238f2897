# errno: the constants, errorcode, and how OSError reports an errno.
import errno

names = sorted(n for n in dir(errno) if n.startswith("E"))
print(names)
for n in names:
    print(n, getattr(errno, n))
print(type(errno.errorcode).__name__, len(errno.errorcode))
print(sorted(errno.errorcode.items()))
print(all(errno.errorcode[getattr(errno, n)] == n for n in names))
print(errno.errorcode[errno.ENOENT], errno.errorcode.get(9999), 9999 in errno.errorcode)
try:
    errno.errorcode[9999]
except KeyError as e:
    print("KeyError", e)
try:
    errno.NOT_AN_ERRNO
except AttributeError:
    print("AttributeError")

# OSError formats a known errno by name.
for args in ((2,), (errno.ENOENT, "nofile"), (errno.EINVAL, "bad", "extra"), (9999,),
             (9999, "unknown"), (), ("message",), (errno.EEXIST, 5)):
    e = OSError(*args)
    print(repr(e), "|", str(e), "|", e.args, e.errno)
for code in (errno.EPERM, errno.EIO, errno.EBADF, errno.EAGAIN, errno.ENOMEM, errno.EACCES,
             errno.EEXIST, errno.ENODEV, errno.EISDIR, errno.EINVAL, errno.ETIMEDOUT):
    print(OSError(code))

# A failing file operation raises OSError with the errno set.
try:
    open("no_such_file.txt")
except OSError as e:
    print(e.errno == errno.ENOENT, e.args[0] == errno.ENOENT, str(e))
import os
os.mkdir("errno_dir")
try:
    os.mkdir("errno_dir")
except OSError as e:
    print(e.errno == errno.EEXIST, str(e))
try:
    os.rmdir("no_such_dir")
except OSError as e:
    print(e.errno == errno.ENOENT, str(e))
os.rmdir("errno_dir")

try:
    raise OSError(errno.ETIMEDOUT)
except OSError as e:
    print(e.errno == errno.ETIMEDOUT, errno.errorcode[e.errno])


class MyError(OSError):
    pass


e = MyError(errno.EAGAIN, "try again")
print(repr(e), "|", str(e), "|", e.errno, isinstance(e, OSError))
import uerrno
print(uerrno is errno)

# errorcode is read-only, as MicroPython's dicts in ROM are; copies are ordinary dicts.
import errno as _e

for change in (
    lambda: _e.errorcode.pop(2),
    lambda: _e.errorcode.popitem(),
    lambda: _e.errorcode.update({1: "x"}),
    lambda: _e.errorcode.clear(),
    lambda: _e.errorcode.__setitem__(2, "x"),
    lambda: _e.errorcode.setdefault(0, "x"),
):
    try:
        change()
        print("changed")
    except TypeError:
        print("TypeError")
c = _e.errorcode.copy()
c[0] = "zero"
print(c[0], 0 in _e.errorcode, _e.errorcode[2])
