# Generators: yield, send, return values, yield from.
def gen(n):
    for i in range(n):
        yield i * 2
    return "done"


print(list(gen(4)), sum(gen(3)))


def g2():
    r = yield from gen(2)
    print("sub returned", r)
    yield "last"


print(list(g2()))


def echo():
    received = None
    while True:
        received = yield received
        if received == "stop":
            return


e = echo()
print(next(e), e.send("a"), e.send("b"))
g = (i for i in range(3))
print(next(g), next(g), next(g), next(g, "end"))
it = iter([1, 2])
print(next(it), list(it))
