# micropython.RingIO: a byte FIFO with a stream interface, over its own storage or a
# buffer given to it (in place), readable through select.poll and asyncio streams.
import micropython, select, asyncio

r = micropython.RingIO(8)
print(r, r.any())
print(r.write(b"ab\ncdefghij"), r.any())
print(r.readline(), r.read(2), r.any())
print(r.write(b"0123456789"), r.read())
buf = bytearray(4)
r.write(b"xyz")
print(r.readinto(buf), buf, r.readinto(buf, 1))
print(r.read(), r.readline())
r.close()

storage = bytearray(5)
r = micropython.RingIO(storage)
print(r.write(b"ABCDEF"), storage[:4], r.read())
for bad in (0, bytearray(1), 70000):
    try:
        micropython.RingIO(bad)
    except ValueError:
        print("ValueError", type(bad).__name__)
try:
    micropython.RingIO(None)
except TypeError:
    print("TypeError")

p = select.poll()
r = micropython.RingIO(2)
p.register(r, select.POLLIN | select.POLLOUT)
print(p.poll(0)[0][1] == select.POLLOUT)
r.write(b"12")
print(p.poll(0)[0][1] == select.POLLIN)
r.read(1)
print(p.poll(0)[0][1] == select.POLLIN | select.POLLOUT)

ring = micropython.RingIO(16)
stream = asyncio.StreamWriter(ring)
data = b"chunk-" * 12


async def writer():
    stream.write(data)
    await stream.drain()


async def main():
    asyncio.create_task(writer())
    got = await stream.readexactly(len(data))
    print(len(got), got == data)


asyncio.run(main())
