# gc: collect, enable/disable/isenabled, mem_free/mem_alloc, threshold, argument errors.
import gc

print(callable(gc.collect), callable(gc.mem_free), callable(gc.mem_alloc))
print(gc.isenabled())
print(gc.disable())
print(gc.isenabled())
print(gc.enable())
print(gc.isenabled())

# A collection can be run while disabled; automatic collection is what disable stops.
gc.disable()
gc.collect()
print(gc.isenabled())
gc.enable()

free, alloc = gc.mem_free(), gc.mem_alloc()
print(type(free), type(alloc), free > 0, alloc > 0)

# Garbage held only by a dropped reference is reclaimed by collect.
gc.collect()
base = gc.mem_alloc()
junk = [bytearray(100) for _ in range(100)]
grown = gc.mem_alloc()
print(grown - base >= 10000)
junk = None
gc.collect()
print(gc.mem_alloc() < grown - 5000)
print(gc.mem_free() + gc.mem_alloc() > 10000)

# Reachable objects survive a collection.
keep = {"k": [1, 2, 3], "t": (4, 5)}
for _ in range(3):
    gc.collect()
print(keep)


class Node:
    def __init__(self):
        self.other = None


# Reference cycles are collected too.
gc.collect()
base = gc.mem_alloc()
for _ in range(200):
    a, b = Node(), Node()
    a.other, b.other = b, a
a = b = None
gc.collect()
print(gc.mem_alloc() - base < 2000)

for call in (lambda: gc.collect(1), lambda: gc.enable(1), lambda: gc.disable(0),
             lambda: gc.isenabled(0), lambda: gc.mem_free(1), lambda: gc.mem_alloc(1)):
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)

print(gc.threshold())
gc.threshold(4096)
print(gc.threshold())
gc.threshold(-1)
print(gc.threshold())
for call in (lambda: gc.threshold(1, 2), lambda: gc.threshold("a")):
    try:
        call()
    except TypeError as e:
        print("TypeError:", e)
