# list, tuple, dict, set: literals, indexing, slicing, methods, unpacking.
l = [3, 1, 2]
l.sort()
l.append(9)
print(l, l[1:], l[::-1], len(l), l[-1], l.index(2), l.count(9))
l[1:2] = [7, 8]
del l[0]
print(l, l.pop(), l, 8 in l)
t = (1, "a", None, 2.5)
print(t, t[1], (1,), (), t[1:3], len(t))
d = {"a": 1, "b": [1, 2]}
d["c"] = 3
print(d, d.get("z", 0), sorted(d.keys()), "a" in d, len(d))
for k, v in d.items():
    print(k, v)
print(d.pop("a"), d.setdefault("e", 5), d)
s = {1, 2, 3}
print(s | {4}, s & {2, 3, 9}, s - {1}, s ^ {1, 5}, 2 in s, len(s))
a, *b, c = range(6)
print(a, b, c)
(x, y), z = (1, 2), 3
print(x, y, z)
print([1, 2] + [3], [0] * 3, (1,) * 2, [[1, 2], [3]][0][1])
print(list(range(2, 11, 3)), list(range(5, 0, -2)), range(3)[1])
print({k: v for k, v in zip("abc", range(3))})
