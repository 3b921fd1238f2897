# async def, await, async for, async with: coroutines driven by hand.
class Awaitable:
    def __await__(self):
        yield "suspended"
        return 42


async def compute():
    v = await Awaitable()
    return v + 1


class Ticker:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


class Ctx:
    async def __aenter__(self):
        print("enter")
        return "ctx"

    async def __aexit__(self, *exc):
        print("exit", exc[0] is None)


async def main():
    async with Ctx() as c:
        print("in", c)
    async for i in Ticker(3):
        print("tick", i)
    return await compute()


coro = main()
print(coro.send(None))
try:
    coro.send(None)
except StopIteration as e:
    print("result", e.args[0])
