# random: seed, getrandbits, randint, randrange, choice, random, uniform; ranges and errors.
import random


def check(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


print(random.seed(1), random.seed(), random.seed(None), random.seed(0), random.seed(-5))

# The same seed gives the same sequence; a different seed gives a different one.
random.seed(42)
a = [random.getrandbits(32) for _ in range(5)] + [random.random() for _ in range(3)]
random.seed(42)
b = [random.getrandbits(32) for _ in range(5)] + [random.random() for _ in range(3)]
random.seed(43)
c = [random.getrandbits(32) for _ in range(5)]
print(a == b, a[:5] != c)

random.seed(7)
# getrandbits
print(random.getrandbits(0))
for n in (1, 2, 8, 16, 31, 32):
    vals = [random.getrandbits(n) for _ in range(200)]
    print(n, all(type(v) is int and 0 <= v < 2**n for v in vals))
print(len(set(random.getrandbits(1) for _ in range(100))))
print(max(random.getrandbits(8) for _ in range(500)) > 200)

# randint includes both ends.
vals = [random.randint(1, 6) for _ in range(600)]
print(min(vals), max(vals), len(set(vals)), random.randint(5, 5), random.randint(-3, -3))
print(all(-10 <= random.randint(-10, 10) <= 10 for _ in range(200)))
print(all(0 <= random.randint(0, 1000000) <= 1000000 for _ in range(100)))

# randrange with one, two and three arguments.
vals = [random.randrange(5) for _ in range(300)]
print(sorted(set(vals)))
vals = [random.randrange(10, 15) for _ in range(300)]
print(sorted(set(vals)))
vals = [random.randrange(0, 20, 5) for _ in range(300)]
print(sorted(set(vals)))
vals = [random.randrange(10, 0, -3) for _ in range(300)]
print(sorted(set(vals)))
print(random.randrange(1), random.randrange(7, 8), random.randrange(3, 4, 10))
print(all(random.randrange(-5, 5) in range(-5, 5) for _ in range(100)))

# choice from any sequence.
seq = ["a", "b", "c"]
print(sorted(set(random.choice(seq) for _ in range(200))))
print(random.choice("x"), random.choice(b"x"), random.choice((None,)), random.choice(range(3, 4)))
print(all(random.choice(range(0, 50, 7)) in range(0, 50, 7) for _ in range(100)))
print(random.choice(bytearray(b"\x05")), random.choice([[1, 2]]))

# random() is in [0, 1); uniform(a, b) is between a and b.
vals = [random.random() for _ in range(500)]
print(all(type(v) is float and 0.0 <= v < 1.0 for v in vals), max(vals) > 0.5, min(vals) < 0.5)
print(len(set(vals)) > 490)
vals = [random.uniform(2, 5) for _ in range(300)]
print(all(type(v) is float and 2 <= v <= 5 for v in vals), max(vals) > 4, min(vals) < 3)
vals = [random.uniform(5, 2) for _ in range(100)]
print(all(2 <= v <= 5 for v in vals))
print(random.uniform(1, 1), type(random.uniform(1, 1)).__name__, random.uniform(-1.5, -1.5))
print(all(-1 <= random.uniform(-1, 1) <= 1 for _ in range(100)))

# Errors.
check(lambda: random.getrandbits(33))
check(lambda: random.getrandbits(-1))
check(lambda: random.getrandbits(1.5))
check(lambda: random.randint(5, 4))
check(lambda: random.randint(1.5, 3))
check(lambda: random.randint(1))
check(lambda: random.randrange(0))
check(lambda: random.randrange(-3))
check(lambda: random.randrange(5, 5))
check(lambda: random.randrange(5, 1))
check(lambda: random.randrange(1, 5, 0))
check(lambda: random.randrange(1, 5, -1))
check(lambda: random.randrange(1.5))
check(lambda: random.choice([]))
check(lambda: random.choice(""))
check(lambda: random.choice({1: 2}))
check(lambda: random.choice(5))
check(lambda: random.uniform("a", 1))
check(lambda: random.random(1))
check(lambda: random.seed("a"))
check(lambda: random.seed(1.5))
print(hasattr(random, "shuffle"), hasattr(random, "sample"), hasattr(random, "gauss"))
import urandom
print(urandom is random)
