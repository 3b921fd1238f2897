# generator.pend_throw (MicroPython's): the exception is raised at the next resume, in place
# of the value sent; None cancels it; the previous one is returned.
def gen():
    i = 0
    while True:
        try:
            yield i
        except ValueError as e:
            print("caught", repr(e))
        i += 1


g = gen()
print(next(g))
print(repr(g.pend_throw(ValueError("once"))))
print(next(g))
print(next(g))
g.pend_throw(KeyError(1))
print(repr(g.pend_throw(None)))
print(next(g))

g = gen()
g.pend_throw(OSError(5))
try:
    next(g)
except OSError as e:
    print("unstarted:", repr(e))


def itself():
    me.pend_throw(ValueError())
    yield 1


me = itself()
try:
    next(me)
except ValueError as e:
    print("running:", e)
