# @micropython.viper functions: pointer casts and loads/stores, uint and int machine words,
# casts of annotated arguments and results.
import micropython


@micropython.viper
def fill(dest: ptr8, val: int, n: int):
    for i in range(n):
        dest[i] = val


@micropython.viper
def sum16(src: ptr16, n: int) -> int:
    s = 0
    for i in range(n):
        s += src[i]
    return s


@micropython.viper
def load32(src) -> int:
    p = ptr32(src)
    return p[1]


@micropython.viper
def store32(buf, v: int):
    p = ptr32(buf)
    p[0] = v


b = bytearray(8)
fill(b, 0x41, 6)
print(b)
print(hex(sum16(b"\x01\x02\x03\x04", 2)))
print(hex(load32(b"\x00\x00\x00\x00\xff\xff\x00\x00")))
store32(b, 0x11223344)
print(b)


@micropython.viper
def shr(x: uint, y: uint) -> uint:
    return x >> y


@micropython.viper
def mul(x: uint, y: uint) -> uint:
    return x * y


@micropython.viper
def lt(x: uint, y: uint) -> bool:
    return x < y


@micropython.viper
def to_int() -> int:
    return None


@micropython.viper
def as_bool(x: bool) -> bool:
    return x


print(shr(-1, 1) in (0x7FFFFFFF, 0x7FFFFFFF_FFFFFFFF), mul(-2, -3), lt(1, -1))
print(to_int(), as_bool(0), as_bool(5))


@micropython.native
def native(x):
    return x + 1


@micropython.bytecode
def bytecode(x):
    return x * 2


print(native(1), bytecode(2))
try:
    exec("@micropython.other\ndef f(): pass")
except SyntaxError:
    print("SyntaxError")
