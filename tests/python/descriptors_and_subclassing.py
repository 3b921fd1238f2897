# Descriptors (__get__/__set__/__set_name__) and subclasses of built-in types.
class Typed:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, None)

    def __set__(self, obj, value):
        if not isinstance(value, int):
            raise TypeError("expected int")
        setattr(obj, self.name, value)


class Point:
    x = Typed()

    def __init__(self, x):
        self.x = x


p = Point(3)
print(p.x, isinstance(Point.x, Typed))
try:
    p.x = "no"
except TypeError as e:
    print("TypeError:", e)


class Stack(list):
    def push(self, v):
        self.append(v)

    def peek(self):
        return self[-1]


s = Stack([1, 2])
s.push(3)
print(s, len(s), s.peek(), sum(s), isinstance(s, list), s == [1, 2, 3])


class Name(str):
    def shout(self):
        return self.upper() + "!"


n = Name("hi")
print(n.shout(), n + " there", len(n), n == "hi")


class Count(dict):
    def __missing__(self, key):
        return 0


c = Count()
c["a"] = c["a"] + 1
print(c["a"], c["zzz"], dict(c))


class Meters(int):
    def __repr__(self):
        return "%dm" % int(self)


m = Meters(5)
print(repr(m), m + 1, m * 2, m > 3)
