# asyncio: run, tasks, sleep ordering, gather, wait_for timeouts, Event, Lock, ThreadSafeFlag, cancel, loops.
import asyncio

print(asyncio.CancelledError.__name__, asyncio.TimeoutError.__name__)
print(issubclass(asyncio.CancelledError, BaseException), issubclass(asyncio.TimeoutError, Exception))


async def add(a, b):
    return a + b


# run returns the coroutine's value.
print(asyncio.run(add(2, 3)))


# sleep_ms(0) and sleep(0) yield to the other ready tasks in round-robin order.
async def worker(name, n, log):
    for i in range(n):
        log.append("%s%d" % (name, i))
        await asyncio.sleep_ms(0)
    return name


async def round_robin():
    log = []
    ta = asyncio.create_task(worker("a", 3, log))
    tb = asyncio.create_task(worker("b", 2, log))
    tc = asyncio.create_task(worker("c", 3, log))
    print(type(ta).__name__, ta.done())
    r = (await ta, await tb, await tc)
    print(log)
    print(r, ta.done(), tb.done())


asyncio.run(round_robin())


# Sleeps finish in order of their deadlines.
async def sleeper(ms, log):
    await asyncio.sleep_ms(ms)
    log.append(ms)


async def deadlines():
    log = []
    tasks = [asyncio.create_task(sleeper(ms, log)) for ms in (60, 20, 40, 0)]
    await asyncio.sleep_ms(100)
    print(log, [t.done() for t in tasks])
    log = []
    await asyncio.gather(sleeper(30, log), sleeper(10, log))
    await asyncio.sleep(0.01)
    print(log)


asyncio.run(deadlines())


# gather collects results in argument order; an exception propagates unless return_exceptions.
async def fail(ms, msg):
    await asyncio.sleep_ms(ms)
    raise ValueError(msg)


async def value(ms, v):
    await asyncio.sleep_ms(ms)
    return v


async def gathering():
    print(await asyncio.gather(value(20, "slow"), value(0, "fast"), add(1, 1)))
    print(await asyncio.gather())
    try:
        await asyncio.gather(value(0, 1), fail(10, "boom"))
    except ValueError as e:
        print("gather raised", repr(e))
    r = await asyncio.gather(value(0, 1), fail(10, "boom"), value(20, 3), return_exceptions=True)
    print([type(x).__name__ for x in r], r[0], r[2], r[1].args)
    t = asyncio.create_task(value(5, "task"))
    print(await asyncio.gather(t, value(0, "coro")))


asyncio.run(gathering())


# wait_for and wait_for_ms time out with TimeoutError and cancel the inner task.
async def slow(log):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log.append("inner cancelled")
        raise


async def timeouts():
    print(await asyncio.wait_for(value(0, "in time"), 1))
    print(await asyncio.wait_for_ms(value(5, "in time ms"), 500))
    log = []
    try:
        await asyncio.wait_for(slow(log), 0.02)
    except asyncio.TimeoutError as e:
        print("TimeoutError", type(e).__name__, log)
    log = []
    try:
        await asyncio.wait_for_ms(slow(log), 20)
    except asyncio.TimeoutError:
        print("TimeoutError ms", log)
    try:
        await asyncio.wait_for(fail(0, "inner error"), 1)
    except ValueError as e:
        print("passes through", e)
    print(await asyncio.wait_for(value(0, "no timeout"), None))


asyncio.run(timeouts())


# Event
async def waiter(ev, name, log):
    log.append(name + " waiting")
    await ev.wait()
    log.append(name + " woke")


async def events():
    ev = asyncio.Event()
    print(ev.is_set())
    log = []
    t1 = asyncio.create_task(waiter(ev, "w1", log))
    t2 = asyncio.create_task(waiter(ev, "w2", log))
    await asyncio.sleep_ms(10)
    log.append("setting")
    ev.set()
    print(ev.is_set())
    await asyncio.sleep_ms(10)
    print(log)
    await ev.wait()
    ev.clear()
    print(ev.is_set())
    try:
        await asyncio.wait_for_ms(ev.wait(), 10)
    except asyncio.TimeoutError:
        print("event wait timed out")


asyncio.run(events())


# Lock
async def locker(lock, name, log):
    async with lock:
        log.append(name + " in")
        await asyncio.sleep_ms(10)
        log.append(name + " out")


async def locks():
    lock = asyncio.Lock()
    print(lock.locked())
    log = []
    await asyncio.gather(locker(lock, "x", log), locker(lock, "y", log), locker(lock, "z", log))
    print(log)
    print(lock.locked())
    await lock.acquire()
    print(lock.locked())
    lock.release()
    print(lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print("RuntimeError", e)


asyncio.run(locks())


# ThreadSafeFlag
async def flag_waiter(flag, log):
    await flag.wait()
    log.append("flag seen")


async def flags():
    flag = asyncio.ThreadSafeFlag()
    log = []
    t = asyncio.create_task(flag_waiter(flag, log))
    await asyncio.sleep_ms(10)
    print(log)
    flag.set()
    await asyncio.sleep_ms(10)
    print(log, t.done())
    flag.set()
    await flag.wait()
    print("already set")
    flag.set()
    flag.clear()
    try:
        await asyncio.wait_for_ms(flag.wait(), 20)
    except asyncio.TimeoutError:
        print("flag wait timed out")


asyncio.run(flags())


# Task.cancel raises CancelledError inside the task and in whoever awaits it.
async def cancellable(log):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log.append("cleanup")
        raise


async def cancelling():
    log = []
    t = asyncio.create_task(cancellable(log))
    await asyncio.sleep_ms(5)
    print(t.cancel(), t.done())
    try:
        await t
    except asyncio.CancelledError:
        print("awaiting a cancelled task raises CancelledError")
    print(log, t.done())
    done = asyncio.create_task(value(0, 1))
    await asyncio.sleep_ms(5)
    print(done.done(), done.cancel())
    t = asyncio.create_task(value(0, "never"))
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("cancelled before it started")


asyncio.run(cancelling())


# Exceptions escape run; current_task; event loops.
async def raiser():
    raise KeyError("k")


try:
    asyncio.run(raiser())
except KeyError as e:
    print("run raised", repr(e))


async def whoami():
    t = asyncio.current_task()
    return type(t).__name__


print(asyncio.run(whoami()))
loop = asyncio.get_event_loop()
print(loop.run_until_complete(add(10, 20)))
loop2 = asyncio.new_event_loop()
print(loop2.run_until_complete(value(5, "new loop")))


async def stopper(loop):
    await asyncio.sleep_ms(5)
    print("stopping")
    loop.stop()


loop = asyncio.get_event_loop()
loop.create_task(stopper(loop))
loop.run_forever()
print("after run_forever")
import uasyncio
print(uasyncio is asyncio or uasyncio.run is asyncio.run)
