# array: typecodes, construction, append/extend, indexing, slicing, buffer conversions, errors.
from array import array


def check(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


for code in "bBhHiIlLqQfd":
    a = array(code, [1, 2])
    print(code, a, len(a), a[0], type(a[1]).__name__)
print(array("i"), array("f"), array("b", []), repr(array("B", [7])), str(array("h", [-1])))
check(lambda: array("P", [1, 2]))
check(lambda: len(bytes(array("P", [1]))) in (4, 8))

# Item ranges: values are truncated to the item size.
print(array("b", [127, 128, -129]), array("B", [255, 256, -1]))
print(array("h", [32767, 32768]), array("H", [65536, -1]))
print(array("i", [2**31, -2**31 - 1]), array("I", [2**32 - 1, -1]))
print(array("q", [2**63 - 1]), array("Q", [2**64 - 1]), array("i", [2**40]))
print(array("f", [1.5, 2]), array("d", [1, 2.5]), array("f", [0.1])[0] == 0.1, array("f", [float("inf")]))

# Construction from iterables and buffers.
print(array("B", range(3)), array("i", (x * x for x in range(4))), array("b", array("h", [1, 2])))
print(array("i", b"\x01\x00\x00\x00\x02\x00\x00\x00"), array("i", b"\x01\x00\x00"))
print(array("B", b"abc"), array("h", bytearray(b"\x01\x00\x02\x00")), array("b", memoryview(b"\xff\x01")))
print(array("i", array("b", [1, -1])))
check(lambda: array("ii"))
check(lambda: array(b"i"))

# append / extend.
a = array("b", [1, -2, 3])
print(a.append(4), a)
print(a.extend([5, 6]), a)
a.extend(array("b", [7]))
a.extend(b"\x08")
a.extend(range(9, 11))
print(a, len(a))
a.extend(array("h", [7]))
print(a)
a.append(200)
print(a, a[-1])
b = array("i", [1])
b += array("i", [2])
print(b, array("i", [1]) + array("i", [2]), array("b", [1]) + b"\x02", b"\x02" + array("b", [1]))
print(array("h", [1]) + b"\x02\x00", array("h", [1]) + b"\x02", array("b", [1]) + bytearray(b"\x02"))

# Indexing and slicing.
a = array("h", [10, 20, 30, 40, 50])
print(a[0], a[-1], a[1:3], a[:2], a[3:], a[-2:], a[5:], a[1:1], list(a), [x for x in a])
a[0] = 11
a[-1] = -50
print(a)
a[1:3] = array("h", [7])
print(a)
a[0:1] = array("h", [8, 9, 10])
print(a, len(a))
print(sorted(array("i", [3, 1, 2])), sum(array("f", [0.5, 0.25])), list(reversed(array("i", [1, 2]))))
print(bool(array("i")), bool(array("i", [0])), array("i") == array("i"))
print(array("i", [1, 2]) != array("i", [1, 3]), array("i", [1]) == [1])

# Buffer conversions (little-endian items).
print(bytes(array("h", [1, -2])), bytes(array("d", [1.0])), bytearray(array("I", [0x01020304])))
print(bytes(array("B", [104, 105])), bytes(array("f", [1.0])))
m = memoryview(array("i", [5, 6]))
print(m[1], len(m))
ar = array("h", [1, 2])
mv = memoryview(ar)
mv[0] = 100
print(ar)

# Errors.
def setitem(a, i, v):
    a[i] = v


def setslice(a, v):
    a[1:2] = v


def delitem(a, i):
    del a[i]


a = array("h", [1, 2, 3])
check(lambda: array("z"))
check(lambda: array("c"))
check(lambda: array())
check(lambda: array("i", [1], 2))
check(lambda: array("H", 5))
check(lambda: array("b", "ab"))
check(lambda: array("f", ["a"]))
check(lambda: array("b", [None]))
check(lambda: a.append(1.5))
check(lambda: a.append("a"))
check(lambda: a.extend(5))
check(lambda: a[100])
check(lambda: a[-4])
check(lambda: a["x"])
check(lambda: a[1.0])
check(lambda: setitem(a, 5, 0))
check(lambda: setitem(a, 0, 1.5))
check(lambda: setitem(a, "x", 1))
check(lambda: setslice(a, b"\x05\x00"))
check(lambda: setslice(a, array("b", [5, 6])))
check(lambda: delitem(a, 0))
check(lambda: array("i", [1]) * 3)
check(lambda: array("i", [1]) + 5)
check(lambda: array("b", [1]) + [2])
check(lambda: hash(array("i")))
check(lambda: array("i", [1]).typecode)
print(a)
import uarray
print(uarray.array is array)
