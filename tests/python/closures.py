# Closures, nonlocal, global, nested scopes.
def counter():
    n = 0

    def inc():
        nonlocal n
        n += 1
        return n

    return inc


c = counter()
c()
print(c(), c())
total = 0


def bump(k):
    global total
    total += k


bump(3)
bump(4)
print(total)


def outer():
    x = "outer"

    def middle():
        def inner():
            return x

        return inner()

    return middle()


print(outer())
adders = [lambda v, i=i: v + i for i in range(3)]
print([f(10) for f in adders])
