# Containers that grow in place stay within the heap's budget: `+=` on an array or a
# bytearray, append, extend and slice assignment raise MemoryError when the heap is full,
# and the objects keep what they had.
from array import array


def doubling(name, x):
    try:
        while True:
            x += x
    except MemoryError:
        print(name, "MemoryError", len(x) > 0)


doubling("array", array("b", [1]))
doubling("bytearray", bytearray(b"x"))

big = [0]
try:
    while True:
        big.extend(big)
except MemoryError:
    print("list.extend MemoryError", len(big) > 1)
big = None

b = bytearray(b"ab")
try:
    while True:
        b[len(b):] = b
except MemoryError:
    print("slice assignment MemoryError", b[:2])
b = None

import gc
gc.collect()
a = array("i")
a.append(1)
print("after", a)
