# math and cmath: NaN arguments give NaN rather than domain errors, the special values of
# pow, lgamma and isclose, and arguments converted through __float__ and __complex__.
import math
import cmath

inf = float("inf")
nan = float("nan")


def show(name, f, *args):
    try:
        print(name, args, f(*args))
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        print(name, args, type(e).__name__, e)


for x in (nan, 2.0, -inf):
    show("asin", math.asin, x)
    show("acos", math.acos, x)
    show("gamma", math.gamma, x)
    show("lgamma", math.lgamma, x)
for x, y in ((nan, 0.0), (inf, nan), (inf, 1.0), (1.0, 0.0), (5.5, 2.0)):
    show("fmod", math.fmod, x, y)
for x, y in ((0.0, -inf), (0.0, -1.0), (-1.0, 0.5), (-1.0, nan), (-2.0, inf), (2.0, 3)):
    show("pow", math.pow, x, y)
show("floor", math.floor, nan)
show("ceil", math.ceil, -inf)
print(math.floor(1e30), math.trunc(-2.5), math.ceil(2.5))

print(math.isclose(inf, inf), math.isclose(inf, 1), math.isclose(-inf, 1), math.isclose(nan, nan))
print(math.isclose(1000, 1001, rel_tol=1e-3), math.isclose(0.0, 1e-10, abs_tol=1e-10))
for kw in ({"abs_tol": -1}, {"rel_tol": -1}):
    try:
        math.isclose(0, 0, **kw)
    except ValueError as e:
        print("ValueError:", e)


class F:
    def __float__(self):
        return 1.0


class C:
    def __complex__(self):
        return complex(10, 1)


print("%.5g" % math.exp(F()), math.floor(F()), math.isclose(F(), 1))
print("%.5g" % cmath.phase(F()), "%.5g" % cmath.phase(C()), cmath.sqrt(F()))
for f in (math.sqrt, cmath.sqrt):
    try:
        f(C() if f is math.sqrt else "x")
    except TypeError as e:
        print("TypeError:", e)
