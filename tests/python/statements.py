# assert, del, walrus, raise ... from, generator throw/close, global/nonlocal, slices, types.
x = 5
assert x == 5, "fine"
try:
    assert x == 6, "x is not 6"
except AssertionError as e:
    print("AssertionError:", e)
values = [1, 2, 3, 4]
del values[1]
del values[-1:]
print(values)
if (n := len(values)) > 1:
    print("walrus", n)
print([y for v in range(5) if (y := v * v) > 4], y)
try:
    try:
        {}["k"]
    except KeyError as e:
        raise ValueError("wrapped") from e
except ValueError as e:
    print("ValueError:", e)


def gen():
    try:
        yield 1
        yield 2
    except ZeroDivisionError:
        yield "recovered"
    finally:
        print("gen cleanup")


g = gen()
print(next(g), g.throw(ZeroDivisionError), end=" ")
g.close()
g2 = gen()
next(g2)
g2.close()
s = slice(1, 8, 2)
print(list(range(10))[s], s.start, s.stop, s.step, "hello"[::-1], (1, 2, 3)[:-1])
print(type(1) is int, type("") is str, type([]) == list, isinstance(True, int), frozenset([1, 2]) == {2, 1})
counter = 0


def bump():
    global counter
    counter += 1


bump()
bump()
print("counter", counter)
