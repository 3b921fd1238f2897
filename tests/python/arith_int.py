# Integer arithmetic: precedence, floor semantics, powers, big integers.
print(1 + 2 * 3, (1 + 2) * 3, 2 ** 3 ** 2, -2 ** 2, (-2) ** 2)
print(7 // 2, -7 // 2, 7 // -2, 7 % 3, -7 % 3, 7 % -3)
print(10 - 4 - 3, 100 // 10 // 5, 2 ** -1, 0 ** 0)
print(0x1F, 0o17, 0b101, 1_000_000)
print(1 << 10, 1024 >> 3, -1 >> 5, 6 & 3, 6 | 3, 6 ^ 3, ~5, -(-3), +4)
big = 2 ** 100
print(big, big + 1, big - big, big // 2 ** 90, -big)
print(123456789 * 987654321 * 1000000007)
print(9223372036854775807 + 1, -9223372036854775807 - 2)
print((2 ** 64) % 1000, (2 ** 64) // -3)
x = 5
x += 3
x *= 2
x -= 1
x //= 4
x **= 3
x %= 7
print(x)
print(True + True, True * 10, False - 1)
