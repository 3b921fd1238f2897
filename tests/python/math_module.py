# The math module.
import math

print(math.sqrt(16), math.pi, math.e, math.floor(2.7), math.ceil(2.1), math.trunc(-2.7))
print(math.isnan(math.nan), math.isinf(math.inf), math.isfinite(1.0))
print(math.pow(2, 10), math.fabs(-3.5), math.fmod(7, 3), math.copysign(2.0, -1.0))
print(round(math.sin(math.pi / 2), 10), round(math.cos(0), 10), round(math.atan2(1, 1) * 4, 10))
print(math.log(math.e), math.log2(8), math.log10(1000), math.log(100, 10))
print(math.frexp(8.0), math.ldexp(0.5, 4), math.modf(3.25), math.factorial(10))
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
