# def, defaults, *args, **kwargs, keyword-only arguments, recursion, lambda, decorators.
def add(a, b=2, *args, c=3, **kw):
    return a + b + c + len(args) + len(kw)


print(add(1), add(1, 2, 3, 4, c=10, d=1))


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(20))


def kw(*, a, b=2):
    return a, b


print(kw(a=1), kw(b=3, a=0))
sq = lambda x: x * x
print(sq(7), (lambda: "no args")())


def deco(f):
    def wrapper(*a, **k):
        return "<" + str(f(*a, **k)) + ">"

    return wrapper


@deco
def hello(name):
    return "hi " + name


print(hello("x"), hello(name="y"))
args = (1, 2)
opts = {"c": 5}
print(add(*args, **opts))
try:
    add()
except TypeError:
    print("TypeError: missing argument")
try:
    kw(1)
except TypeError:
    print("TypeError: too many positional")
