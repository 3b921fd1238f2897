# collections: namedtuple, deque (fixed maxlen), OrderedDict and defaultdict.
from collections import namedtuple, deque, OrderedDict
import collections


def check(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


# namedtuple
P = namedtuple("P", "x y")
p = P(1, 2)
print(p, repr(p), str(p), type(p).__name__, P.__name__)
print(p.x, p.y, p[0], p[-1], p[:1], len(p), list(p))
print(p == (1, 2), p == P(1, 2), p != P(2, 1), p + (3,), hash(p) == hash((1, 2)), 1 in p)
print(isinstance(p, tuple), issubclass(P, tuple))
x, y = p
print(x, y)
print(P(x=1, y=2), P(1, y=3), P(y=1, x=2))
check(lambda: P(1))
check(lambda: P(1, 2, 3))
check(lambda: P(1, z=2))
check(lambda: P(1, 2, x=2))


def set_field():
    p.x = 3


check(set_field)
Q = namedtuple("Q", ["a", "b", "c"])
print(Q(1, 2, 3), Q(*range(3)), sorted(Q(3, 1, 2)))
print(namedtuple("R", ("a", "b"))(1, 2), namedtuple("R", "a  b")(1, 2))
print(namedtuple("E", "")(), namedtuple("E", [])(), len(namedtuple("E", "")()))


class PP(P):
    def total(self):
        return self.x + self.y


print(PP(3, 4).total(), PP(3, 4), PP(3, 4).x)
pts = sorted([P(2, 1), P(1, 5), P(1, 2)])
print(pts)

# deque: an iterable and a maxlen are required; old items fall off the other end.
d = deque((), 3)
print(d, len(d), bool(d), list(d))
d.append(1)
d.append(2)
d.appendleft(0)
print(len(d), bool(d), list(d), d[0], d[1], d[-1], d[2], d[-3])
d.append(3)
print(list(d))
d.appendleft(9)
print(list(d))
print(d.pop(), d.popleft(), list(d), len(d))
print(d.pop(), len(d), bool(d))
check(lambda: d.pop())
check(lambda: d.popleft())
d = deque([1, 2, 3], 5)
print(d.extend([4, 5, 6]), list(d))
d.extend(range(10, 13))
print(list(d), [v * 2 for v in d], 11 in d, 99 in d, tuple(d), sum(d))
d[0] = 100
print(list(d), d[-1])
check(lambda: d[5])
check(lambda: d[-6])


def set_out_of_range():
    d[5] = 0


def delete_item():
    del d[0]


check(set_out_of_range)
check(delete_item)
check(lambda: d.extend(7))
print(list(deque([1, 2, 3, 4], 2)), list(deque("abc", 5)), list(deque((), 0)))
d = deque((), 2)
for i in range(5):
    d.append(i)
print(list(d))
d = deque((), 2)
for i in range(5):
    d.appendleft(i)
print(list(d))
it = iter(deque([1, 2, 3], 3))
print(next(it), list(it))
d = deque([7, 8], 4)
print(d.popleft(), d.popleft(), len(d))
d.append(1)
print(d.pop(), len(d))
print(sorted(n for n in dir(d) if not n.startswith("_")))
print(repr(deque([1], 2)))
check(lambda: deque())
check(lambda: deque([1, 2]))
check(lambda: deque((), 3, 1, 2))
check(lambda: deque((), -1))
check(lambda: deque(5, 3))
check(lambda: deque([1], 2) + deque([3], 2))
check(lambda: deque([1], 2).clear())
check(lambda: deque([1], 2).rotate(1))

# OrderedDict keeps insertion order.
od = OrderedDict([("b", 1), ("a", 2)])
od["c"] = 3
print(od, list(od), list(od.keys()), list(od.values()), list(od.items()))
print(od.popitem(), od)
od = OrderedDict(z=1)
od["a"] = 2
od["m"] = 3
del od["a"]
od["a"] = 4
print(od)
od["z"] = 9
print(od, len(od), "m" in od, od.get("m"), od.get("nope", -1))
print(od == OrderedDict([("z", 9), ("m", 3), ("a", 4)]), od == OrderedDict([("m", 3), ("z", 9), ("a", 4)]))
print(od == {"z": 9, "m": 3, "a": 4})
print(isinstance(od, dict), type(od).__name__, type(od.copy()).__name__, od.copy())
od.update({"q": 1})
print(od.setdefault("w", 0), od.setdefault("w", 5), od)
print(od.pop("z"), od, od.pop("nope", None))
print(OrderedDict({"x": 1}), OrderedDict(), [k for k in OrderedDict([(3, 0), (1, 0), (2, 0)])])
check(lambda: OrderedDict().popitem())
check(lambda: od["nope"])
od.clear()
print(od, len(od))

# defaultdict builds missing values with its factory.
from collections import defaultdict

dd = defaultdict(list)
dd["a"].append(1)
dd["a"].append(2)
dd["b"].append(3)
print(sorted(dd.items()), dd["a"], "c" in dd, dd.default_factory is list)
counts = defaultdict(int)
for ch in "mississippi":
    counts[ch] += 1
print(sorted(counts.items()))
print(counts["z"], "z" in counts)
del counts["z"]
print("z" in counts)
dd = defaultdict(lambda: "unset")
dd["k"] = "set"
print(dd["k"], dd["other"], sorted(dd.items()))
nd = defaultdict()
print(nd.default_factory)
check(lambda: nd["missing"])
nd["present"] = 1
print(nd["present"])
import ucollections
print(ucollections.deque is deque, collections.namedtuple is namedtuple)
