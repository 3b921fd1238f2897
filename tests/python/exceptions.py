# try/except/else/finally, raise, custom exceptions, args, nesting.
def inner(x):
    return x[5]


def outer():
    return inner([1, 2])


try:
    outer()
except IndexError as e:
    print("IndexError:", e)
try:
    {}["missing"]
except KeyError as e:
    print("KeyError", repr(e))


class E(Exception):
    pass


try:
    raise E("boom", 2)
except Exception as e:
    print(type(e).__name__, e.args)
try:
    1 / 0
except (ValueError, ZeroDivisionError):
    print("tuple match")
else:
    print("no")
finally:
    print("finally")
try:
    pass
except Exception:
    print("no")
else:
    print("else runs")


def f():
    try:
        return "from try"
    finally:
        print("finally before return")


print(f())
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("cleanup", i)
try:
    try:
        raise ValueError("inner")
    except ValueError:
        raise
except ValueError as e:
    print("re-raised", e)
