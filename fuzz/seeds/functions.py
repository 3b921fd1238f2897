def f(a, b=2, *args, c=3, **kw):
    return a + b + c + len(args) + len(kw)

print(f(1), f(1, 2, 3, 4, c=5, d=6))
g = lambda x, y=1: x * y
print(g(3), (lambda *a: a)(1, 2))

def outer():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc

i = outer()
print(i(), i())
