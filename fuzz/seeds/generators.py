def gen(n):
    for i in range(n):
        x = yield i
        if x:
            return x

def deleg():
    r = yield from gen(3)
    yield r

print(list(gen(4)), list(deleg()))
g = gen(10)
next(g)
try:
    g.send(5)
except StopIteration as e:
    print('stop', e.value)
print(sum(x * x for x in range(10)))
