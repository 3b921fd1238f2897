# memoryview over bytearray (reads, slices, write-through) and cmath.
b = bytearray(b"hello world")
m = memoryview(b)
print(len(m), m[0], bytes(m[0:5]), m[-1])
m[0:5] = b"HELLO"
m[6] = 87
print(b, bytes(m[6:]), list(m[:3]))
import cmath

print(cmath.sqrt(-1), cmath.sqrt(4), abs(cmath.exp(1j * cmath.pi) + 1) < 1e-12, cmath.polar(1j))
