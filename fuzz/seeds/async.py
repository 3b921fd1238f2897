async def f(x):
    return x + 1

async def g():
    v = await f(1)
    return v

c = g()
try:
    c.send(None)
except StopIteration as e:
    print(e.value)
