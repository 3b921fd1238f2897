# Float corner cases: signs of zero results, powers of zero and infinity, exact conversion
# to int, parsing with underscores, formatting of huge values.
inf = float("inf")
nan = float("nan")

# floor division and divmod: a zero quotient takes the sign of x / y
print(-1.5 // -2.0, 1.5 // -2.0, divmod(-1.5, -2.0), divmod(1.5, 2.0), divmod(-7.5, 2.0))

# 0 ** -inf is inf; to a finite negative power it divides by zero
print(0.0 ** -inf, pow(0, -inf), 0.0 ** inf, pow(0.0, nan), inf ** inf, nan ** 0.0)
try:
    0.0 ** -1.0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
# a negative base to a fractional power is complex
r = (-8.0) ** (1 / 3)
print(type(r), round(r.real, 6), round(r.imag, 6))

# int() of a float is exact, however big; inf and nan can't convert
print(int(2.0 ** 100), int(-1e30), int(2.5e20), int(-2.9), "%d" % 2.0 ** 100)
for v in (inf, -inf, nan):
    for f in (int, round):
        try:
            f(v)
        except (ValueError, OverflowError) as e:
            print(type(e).__name__, e)

# float() parsing: underscores between digits, inf/nan spellings, buffers
print(float("1_000.5"), float(" -1e1_0 "), float("+.5"), float("-InFiNiTy"), float("nan"))
print(float(b"1.2"), float(bytearray(b"3.4")), complex("1_0.5"), 1_000.1_8, 1e1_2)
for s in ("", "1e", "1e+", "1z", "0x10"):
    try:
        float(s)
    except ValueError as e:
        print(repr(s), "ValueError:", e)

# %f of a value too wide for fixed notation switches to %g
print("%.2f" % 8.888e32, "{:.2f}".format(-1e40), "%.0f" % 1.2345e32, "%.2f" % 1.5e20)
# float formatting refuses integer type codes
for spec in ("b", "d", "x", "c", "s"):
    try:
        ("{:" + spec + "}").format(1.5)
    except ValueError as e:
        print(e)
print("{:n}".format(2.5), "%x" % 255)
try:
    "%x" % 2.5
except TypeError as e:
    print("TypeError:", e)


# __float__ and __complex__ of Python classes
class F:
    def __float__(self):
        return 2.5


class NotFloat:
    def __float__(self):
        return 6


class C:
    def __complex__(self):
        return 1 + 2j


print(float(F()), "%.1f" % F(), round(F()), complex(F()), complex(C()), complex(F(), F()))
for f in (float, complex):
    for v in (NotFloat(), C(), []):
        try:
            f(v)
        except TypeError as e:
            print("TypeError:", e)
try:
    "%d" % F()
except TypeError as e:
    print("TypeError:", e)
