# complex numbers: literals, arithmetic, mixed with int and float, repr.
z = 1 + 2j
print(z, z * z, abs(3 + 4j), z.real, z.imag, z.conjugate())
print(complex(1, 2), complex("1-2j"), 2j ** 2, -z, z == 1 + 2j, (1 + 0j) == 1)
print(z / (1 - 1j), z + 1.5, 2 * z, z - 1, 1j * 1j)
try:
    z / 0j
except ZeroDivisionError:
    print("ZeroDivisionError")
