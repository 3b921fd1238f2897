# struct: pack and unpack primitive data types (MicroPython's formats).
#
# Byte order prefixes: "@" (native: native sizes and alignment; the default), "=" (native
# order, standard sizes, no alignment), "<" (little-endian), ">" and "!" (big-endian).
# Native order is little-endian. Codes: b B h H i I l L q Q e f d s P O x.
# As in MicroPython, integers are truncated to the field's size (no range check), missing
# arguments leave zero bytes, extra arguments are ignored, and `unpack` accepts a buffer
# longer than the format. Floats are converted to and from IEEE-754 bits with integer
# arithmetic.

__all__ = ["calcsize", "pack", "pack_into", "unpack", "unpack_from", "error"]

import sys as _sys

# Pointer size: "P" and "O" (and native "l"/"L") fields.
_PTR = 8 if _sys.maxsize > 0xFFFFFFFF else 4

_STANDARD = {
    "b": 1, "B": 1, "x": 1, "s": 1,
    "h": 2, "H": 2, "e": 2,
    "i": 4, "I": 4, "l": 4, "L": 4, "f": 4,
    "q": 8, "Q": 8, "d": 8,
    "P": _PTR, "O": _PTR,
}  # fmt: skip

_NATIVE = dict(_STANDARD)
_NATIVE["l"] = _PTR
_NATIVE["L"] = _PTR

_SIGNED = "bhilq"

# IEEE-754 layouts: code -> (mantissa bits, exponent bits).
_FLOAT = {"e": (10, 5), "f": (23, 8), "d": (52, 11)}

# The one exception struct raises for bad formats and buffers (CPython's `struct.error`).
error = ValueError

_cache = {}


def _bad_typecode():
    return ValueError("bad typecode")


def _parse(fmt):
    """`(items, size, little)`: items are `(code, count, item size, offset)`."""
    parsed = _cache.get(fmt)
    if parsed is not None:
        return parsed
    key = fmt
    if isinstance(fmt, (bytes, bytearray)):
        fmt = bytes(fmt).decode()
        key = fmt
    elif not isinstance(fmt, str):
        raise TypeError("can't convert '%s' object to str implicitly" % type(fmt).__name__)
    sizes = _NATIVE
    align = True
    little = True
    i = 0
    n = len(fmt)
    if n and fmt[0] in "@=<>!":
        c = fmt[0]
        i = 1
        if c != "@":
            sizes = _STANDARD
            align = False
            little = c in "=<"
    items = []
    size = 0
    while i < n:
        count = -1
        while i < n and "0" <= fmt[i] <= "9":
            if count < 0:
                count = 0
            count = count * 10 + ord(fmt[i]) - 48
            i += 1
        if i == n:
            # A count with nothing to repeat.
            raise _bad_typecode()
        c = fmt[i]
        i += 1
        sz = sizes.get(c)
        if sz is None:
            raise _bad_typecode()
        if count < 0:
            count = 1
        if c == "s":
            items.append(("s", count, count, size))
            size += count
        elif c == "x":
            size += count
        elif count:
            if align:
                size = (size + sz - 1) // sz * sz
            items.append((c, count, sz, size))
            size += sz * count
    parsed = (items, size, little)
    if len(_cache) >= 32:
        _cache.clear()
    _cache[key] = parsed
    return parsed


def calcsize(fmt):
    return _parse(fmt)[1]


# ---- floats <-> IEEE-754 bits ----

_INF = float("inf")
_NAN = float("nan")
_TWO52 = 2.0**52
_TWO53 = 2.0**53
_TWO64 = 2.0**64
_TWO117 = 2.0**117
_TWO_M64 = 2.0**-64


def _decompose(x):
    """`(m, e)` with `x == m * 2**e` exactly and `2**52 <= m < 2**53`, for finite x > 0."""
    e = 0
    while x >= _TWO117:
        x *= _TWO_M64
        e += 64
    while x < _TWO52:
        x *= _TWO64
        e -= 64
    while x >= _TWO53:
        x *= 0.5
        e += 1
    return int(x), e


def _round_shift(m, s):
    """`m / 2**s` rounded to the nearest integer, ties to even."""
    if s <= 0:
        return m << -s
    if s > 55:
        return 0
    q = m >> s
    r = m - (q << s)
    half = 1 << (s - 1)
    if r > half or (r == half and q & 1):
        q += 1
    return q


def _float_bits(x, mbits, ebits):
    emax = (1 << ebits) - 1
    if x != x:
        # NaN: the positive quiet NaN.
        return (emax << mbits) | (1 << (mbits - 1))
    sign = 0
    if x < 0 or (x == 0 and str(x)[0] == "-"):
        sign = 1 << (mbits + ebits)
        x = -x
    if x == _INF:
        return sign | (emax << mbits)
    if x == 0:
        return sign
    m, e = _decompose(x)
    bias = (1 << (ebits - 1)) - 1
    biased = e + 52 + bias
    if biased >= 1:
        q = _round_shift(m, 52 - mbits)
        if q >> (mbits + 1):
            # Rounding carried into the next power of two.
            q >>= 1
            biased += 1
        if biased >= emax:
            return sign | (emax << mbits)
        return sign | (biased << mbits) | (q - (1 << mbits))
    # Subnormal; a rounding carry gives the smallest normal number's bits.
    return sign | _round_shift(m, 53 - mbits - biased)


def _bits_float(bits, mbits, ebits):
    emax = (1 << ebits) - 1
    bias = (1 << (ebits - 1)) - 1
    exp = (bits >> mbits) & emax
    mant = bits & ((1 << mbits) - 1)
    if exp == emax:
        x = _NAN if mant else _INF
    elif exp == 0:
        x = mant * 2.0 ** (1 - bias - mbits)
    else:
        x = (mant | (1 << mbits)) * 2.0 ** (exp - bias - mbits)
    if bits >> (mbits + ebits):
        x = -x
    return x


# ---- "O": objects by identity ----

_objects = {}


def _object_id(obj):
    i = id(obj)
    _objects[i] = obj
    return i


# ---- packing ----


# Other buffer types (by name, as the VM may not have them).
_BUFFER_TYPES = ("memoryview", "array")


def _buffer(data):
    """Readable bytes of `data`."""
    if isinstance(data, (bytes, bytearray)):
        return data
    if isinstance(data, str):
        return data.encode()
    if type(data).__name__ in _BUFFER_TYPES:
        return bytes(data)
    raise TypeError("object with buffer protocol required")


def _encode(c, v, sz, little):
    if c in _FLOAT:
        if isinstance(v, int):
            v = float(v)
        elif not isinstance(v, float):
            raise TypeError("can't convert %s to float" % type(v).__name__)
        mbits, ebits = _FLOAT[c]
        v = _float_bits(v, mbits, ebits)
    elif c == "O":
        v = _object_id(v)
    elif not isinstance(v, int):
        raise TypeError("can't convert %s to int" % type(v).__name__)
    v &= (1 << (8 * sz)) - 1
    return v.to_bytes(sz, "little" if little else "big")


def _pack(items, little, buf, offset, args):
    ai = 0
    nargs = len(args)
    for c, count, sz, off in items:
        p = offset + off
        if c == "s":
            if ai >= nargs:
                return
            data = _buffer(args[ai])
            ai += 1
            data = data[:count]
            buf[p : p + len(data)] = data
            continue
        for _ in range(count):
            if ai >= nargs:
                return
            buf[p : p + sz] = _encode(c, args[ai], sz, little)
            ai += 1
            p += sz


def _required(args, n):
    """Check a variable argument list as MicroPython's built-in functions do."""
    if len(args) < n:
        raise TypeError("function missing %d required positional arguments" % (n - len(args)))


def pack(*args):
    _required(args, 1)
    fmt, args = args[0], args[1:]
    items, size, little = _parse(fmt)
    buf = bytearray(size)
    _pack(items, little, buf, 0, args)
    return bytes(buf)


def pack_into(*args):
    _required(args, 3)
    fmt, buffer, offset, args = args[0], args[1], args[2], args[3:]
    items, size, little = _parse(fmt)
    if not isinstance(buffer, bytearray) and type(buffer).__name__ not in _BUFFER_TYPES:
        raise TypeError("object with buffer protocol required")
    if offset < 0:
        offset += len(buffer)
    if offset < 0 or offset + size > len(buffer):
        raise ValueError("buffer too small")
    _pack(items, little, buffer, offset, args)


# ---- unpacking ----


def _decode(c, chunk, little):
    v = int.from_bytes(chunk, "little" if little else "big")
    if c in _SIGNED:
        if v >> (8 * len(chunk) - 1):
            v -= 1 << (8 * len(chunk))
        return v
    if c in _FLOAT:
        mbits, ebits = _FLOAT[c]
        return _bits_float(v, mbits, ebits)
    if c == "O":
        if v not in _objects:
            raise ValueError("unknown object")
        return _objects[v]
    return v


def unpack_from(fmt, data, offset=0):
    items, size, little = _parse(fmt)
    data = _buffer(data)
    n = len(data)
    if offset < 0:
        offset += n
    if offset < 0 or offset + size > n:
        raise ValueError("buffer too small")
    out = []
    for c, count, sz, off in items:
        p = offset + off
        if c == "s":
            out.append(bytes(data[p : p + count]))
            continue
        for _ in range(count):
            out.append(_decode(c, data[p : p + sz], little))
            p += sz
    return tuple(out)


def unpack(fmt, data):
    return unpack_from(fmt, data, 0)
