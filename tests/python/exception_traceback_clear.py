# exc.__traceback__ = None clears an exception's traceback in place, allocating nothing (a
# pre-made exception raised again and again, as asyncio does), as on MicroPython.
import micropython

e = ValueError(1)
for i in range(3):
    try:
        raise e
    except ValueError as x:
        print(x is e, x.args)
    micropython.heap_lock()
    e.__traceback__ = None
    micropython.heap_unlock()
print("ok")
