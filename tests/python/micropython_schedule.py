# micropython.schedule: callbacks run at the next poll, in order; an exception in one is
# printed with its traceback and the program goes on.
import micropython

log = []


def cb(x):
    log.append(x)


def bad(x):
    raise ValueError(x)


micropython.schedule(cb, 1)
micropython.schedule(bad, 2)
micropython.schedule(cb, 3)
for i in range(3):
    pass
print(log)
try:
    for i in range(10):
        micropython.schedule(cb, i)
except RuntimeError as e:
    print("RuntimeError:", e)
for i in range(3):
    pass
print(len(log) > 3)
