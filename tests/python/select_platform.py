# select.poll over native streams and ioctl objects; the platform module.
import select, io, sys

p = select.poll()
b = io.BytesIO(b"data")
p.register(b)
p.register(b, select.POLLIN)
print([(obj is b, ev) for obj, ev in p.poll(0)])
p.modify(b, select.POLLOUT)
print([ev for _, ev in p.ipoll(0)])
p.unregister(b)
print(p.poll(0))
try:
    p.unregister(b)
except OSError as e:
    print("unregister:", e)
try:
    p.modify(b, select.POLLIN)
except OSError as e:
    print("modify:", e)


class Ready(io.IOBase):
    def __init__(self, events):
        self.events = events

    def ioctl(self, req, arg):
        assert req == 3
        return self.events & arg


r = Ready(select.POLLIN)
p.register(r, select.POLLIN | select.POLLOUT)
print([ev for _, ev in p.poll(0)])
print([ev for _, ev in p.ipoll(0, 1)], p.poll(0))
print(select.POLLIN, select.POLLOUT, select.POLLERR, select.POLLHUP)

import platform
print(type(platform.platform()), type(platform.python_compiler()), type(platform.libc_ver()))
