# exc.__traceback__ = None clears an exception's traceback in place, allocating nothing (a
# pre-made exception raised again and again, as asyncio does), as on MicroPython.
class E(Exception): pass
e = E(1)
try:
    raise e
except E:
    pass
e.__traceback__ = None
try:
    raise e
except E as x:
    print(x is e, x.args)
import micropython
micropython.heap_lock()
e.__traceback__ = None
micropython.heap_unlock()
print("ok")
