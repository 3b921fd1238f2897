# MicroPython's own spellings: const(), micropython.native/viper, sys.implementation.
import micropython
import sys
from micropython import const

SIZE = const(16)


@micropython.native
def doubled(x):
    return 2 * x


@micropython.viper
def tripled(x):
    return 3 * x


print(SIZE, doubled(SIZE), tripled(2), sys.implementation.name, micropython.opt_level())
print(type(sys.maxsize), sys.byteorder, len(sys.version_info) >= 3)
