# micropython.heap_lock: allocation raises a catchable MemoryError, and the operations
# MicroPython runs without allocating stay allocation-free here too.
import micropython


def check(name, f):
    micropython.heap_lock()
    try:
        f()
        result = "no allocation"
    except MemoryError:
        result = "MemoryError"
    micropython.heap_unlock()
    print(name, result)


def loop_range():
    t = 0
    for i in range(5):
        t += i
    return t


def loop_tuple():
    for x in (1, "two", (3,)):
        pass


def loop_list(l):
    for x in l:
        pass


def const_tuple():
    return (1, (2, None), b"x")


lst = [1, 2, 3]
check("new list", lambda: [1])
check("range loop", loop_range)
check("tuple loop", loop_tuple)
check("list loop", lambda: loop_list(lst))
check("constant tuple", const_tuple)
check("in tuple", lambda: 2 in (1, 2))
check("append beyond capacity", lambda: lst.extend(range(100)))
print(len(lst))

micropython.heap_lock()
try:
    raise ValueError("raised while locked")
except ValueError as e:
    micropython.heap_unlock()
    print("caught", e)
print(micropython.heap_locked() if hasattr(micropython, "heap_locked") else 0)

# the heap's budget holds for growing containers too
try:
    big = []
    while True:
        big.append(bytearray(1000))
except MemoryError:
    big = None
    print("MemoryError when full")
