# Special methods: context managers, attribute hooks, call, containment, truth, ordering.
class Ctx:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, kind, value, tb):
        print("exit", self.name, kind.__name__ if kind else None)
        return kind is KeyError


with Ctx("a") as a, Ctx("b"):
    print("body", a.name)
with Ctx("c"):
    raise KeyError("suppressed")
try:
    with Ctx("d"):
        raise ValueError("propagates")
except ValueError as e:
    print("caught", e)


class Dyn:
    def __init__(self):
        object.__setattr__(self, "log", [])

    def __getattr__(self, name):
        return "dyn-" + name

    def __setattr__(self, name, value):
        self.log.append(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self.log.append("del " + name)


d = Dyn()
d.x = 1
del d.x
print(d.missing, d.x, d.log)


class Box:
    def __init__(self, items):
        self.items = items

    def __call__(self, k):
        return self.items[k]

    def __contains__(self, v):
        return v in self.items

    def __bool__(self):
        return bool(self.items)

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __lt__(self, other):
        return len(self) < len(other)


b = Box([3, 1, 2])
print(b(0), 2 in b, 9 in b, bool(b), bool(Box([])), sorted(b), Box([1]) < b, max(Box([1, 2]), b, key=len).items)


class A:
    def who(self):
        return ["A"]


class B(A):
    def who(self):
        return ["B"] + super().who()


class C(A):
    def who(self):
        return ["C"] + super().who()


class D(B, C):
    def who(self):
        return ["D"] + super().who()


print(D().who(), [k.__name__ for k in (D, B, C, A)], issubclass(D, C))
