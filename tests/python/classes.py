# Classes: attributes, methods, inheritance, super(), properties, class/static methods,
# special methods.
class A:
    x = 10

    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v + self.x

    def __repr__(self):
        return "A(%r)" % self.v


class B(A):
    def get(self):
        return super().get() * 2


print(A(1).get(), B(2).get(), B(3), isinstance(B(1), A), issubclass(B, A))


class P:
    @property
    def v(self):
        return 42

    @staticmethod
    def s(a):
        return a + 1

    @classmethod
    def c(cls):
        return cls.__name__


print(P().v, P.s(1), P().c(), P.c())


class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def __eq__(self, o):
        return self.x == o.x and self.y == o.y

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return (self.x, self.y)[i]

    def __str__(self):
        return "Vec(%d, %d)" % (self.x, self.y)


v = Vec(1, 2) + Vec(3, 4)
print(v, v == Vec(4, 6), len(v), v[1], list(v))


class Base1:
    def who(self):
        return "Base1"


class Base2:
    def who(self):
        return "Base2"

    def only2(self):
        return "only2"


class Multi(Base1, Base2):
    pass


m = Multi()
print(m.who(), m.only2(), type(m).__name__)
m.extra = 5
print(m.extra, hasattr(m, "extra"), getattr(m, "missing", "default"))
