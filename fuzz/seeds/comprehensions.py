xs = [i * 2 for i in range(10) if i % 3]
d = {k: v for k, v in zip('abc', range(3))}
s = {c for c in 'hello'}
m = [[j for j in range(i)] for i in range(4)]
print(xs, d, sorted(s), m)
print(sorted(d.items(), key=lambda kv: -kv[1]), any(x > 5 for x in xs), all([]))
a, *b, c = range(6)
print(a, b, c, xs[1:-1:2], xs[::-1])
