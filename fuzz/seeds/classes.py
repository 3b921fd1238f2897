class A:
    x = 1
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return 'A(%r)' % self.v
    def __eq__(self, o):
        return isinstance(o, A) and self.v == o.v
    def __hash__(self):
        return hash(self.v)
    @property
    def double(self):
        return self.v * 2
    @staticmethod
    def s():
        return 's'
    @classmethod
    def c(cls):
        return cls.__name__

class B(A):
    def __init__(self, v):
        super().__init__(v + 1)

b = B(1)
print(b, b.double, B.s(), B.c(), {b: 1}, A(2) == b)
