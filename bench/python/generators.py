# Generators: pipelines of generator functions, `yield from`, generator expressions and
# send(), resumed a few hundred thousand times.


def numbers(limit):
    n = 0
    while n < limit:
        yield n
        n += 1


def evens(source):
    for x in source:
        if x % 2 == 0:
            yield x


def squares_mod(source, m):
    for x in source:
        yield x * x % m


def chunks(source, size):
    chunk = []
    for x in source:
        chunk.append(x)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def flatten(chunked):
    for chunk in chunked:
        yield from chunk


def running_total():
    # A coroutine-style generator: send() values in, get the running total back.
    total = 0
    while True:
        value = yield total
        total = (total + value) % 1000003


def tree(depth):
    # Walks a complete binary tree of the given depth with recursive `yield from`.
    if depth == 0:
        yield 1
        return
    yield from tree(depth - 1)
    yield depth
    yield from tree(depth - 1)


def main():
    pipeline = flatten(chunks(squares_mod(evens(numbers(300000)), 9973), 7))
    acc = running_total()
    next(acc)
    last = 0
    for x in pipeline:
        last = acc.send(x)
    expr = sum(x * 3 for x in range(100000) if x % 3 != 1)
    walked = 0
    for _ in range(10):
        walked += sum(tree(12))
    print("generators", last, expr, walked)


main()
