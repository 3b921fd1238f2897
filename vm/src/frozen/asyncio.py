# asyncio - Copperhead's cooperative scheduler, implementing MicroPython's
# asyncio API (a subset of CPython's plus sleep_ms/wait_for_ms/ThreadSafeFlag).
#
# Tasks are coroutines driven by one run queue ordered by wake-up time in
# wrapping millisecond ticks.  A task that waits on something is unlinked from
# the run queue and "parked": task.data names what it waits on, and that object
# has an _unpark(task) method so cancel() can pull the task out again.
# select.poll is only imported once a task actually waits on a stream.

import sys
from time import ticks_ms as _now, ticks_diff as _diff, ticks_add as _add
from time import sleep_ms as _sleep_ms
from micropython import const

_IDLE_MS = const(3)  # nap length when only an interrupt/callback could wake us
_FLAG_MS = const(1)  # how often pending ThreadSafeFlags are checked


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


_ENDS = (CancelledError, Exception)  # what ends a task (built once: no heap use)
_QUIET = (CancelledError, StopIteration)  # endings that are never reported


class _Queue:
    # Tasks doubly linked through task.prev/task.next, sorted by task.key.
    # A task is linked into at most one queue at a time.
    def __init__(self):
        self.head = self.tail = None

    def push(self, t, key):
        # Insert after every task whose key is <= key, so equal keys stay FIFO.
        t.key = key
        prv = self.tail
        nxt = None
        if prv is not None and _diff(key, prv.key) < 0:
            nxt = self.head
            while _diff(nxt.key, key) <= 0:
                nxt = nxt.next
            prv = nxt.prev
        t.prev = prv
        t.next = nxt
        if prv is None:
            self.head = t
        else:
            prv.next = t
        if nxt is None:
            self.tail = t
        else:
            nxt.prev = t

    def remove(self, t):
        prv = t.prev
        nxt = t.next
        if prv is None:
            if self.head is not t:
                return  # not in this queue
            self.head = nxt
        else:
            prv.next = nxt
        if nxt is None:
            self.tail = prv
        else:
            nxt.prev = prv
        t.prev = t.next = None

    _unpark = remove

    def pop(self):
        t = self.head
        self.remove(t)
        return t


def _wake(t):
    # Make a parked task runnable now.
    t.data = None
    _runq.push(t, _now())


def _park(q):
    # Park the current task on waiter queue q; the caller then yields.
    q.push(_cur, _now())
    _cur.data = q


# Always empty: a task "parked" here waits to be woken explicitly (gather).
_NOWHERE = _Queue()


class Task:
    # Wraps a coroutine run by the scheduler.  Create with create_task().
    #   data:    while parked, what it waits on (a Task it awaits, or an object
    #            with _unpark); when runnable, None or an exception to throw in;
    #            once ended, the exception that ended it (StopIteration holds
    #            the return value).
    #   waiters: None, a _Queue of tasks awaiting it, or a gather callback.
    #   state:   0 running, 1 ended by an error nobody has seen, 2 ended.
    def __init__(self, coro, globals=None):
        self.coro = coro
        self.data = None
        self.waiters = None
        self.state = 0
        self.key = 0
        self.prev = self.next = None

    def done(self):
        return self.state != 0

    # "await task": park on its waiter queue until it ends, then give its result.
    def __iter__(self):
        if self.state:
            self.state = 2  # the outcome is being collected
        elif self.waiters is None:
            self.waiters = _Queue()
        elif not isinstance(self.waiters, _Queue):
            raise RuntimeError("can't wait")  # a gather() owns this task's ending
        return self

    def __next__(self):
        if self.state:
            raise self.data
        self.waiters.push(_cur, _now())
        _cur.data = self

    def cancel(self):
        if self.state:
            return False
        # A task awaiting another task is cancelled through the innermost one:
        # the CancelledError then travels back up the chain of awaits.
        t = self
        while isinstance(t.data, Task):
            t = t.data
        if t is _cur:
            raise RuntimeError("can't cancel self")
        if hasattr(t.data, "_unpark"):
            t.data._unpark(t)
            _wake(t)
        elif _diff(t.key, _now()) > 0:
            _runq.remove(t)  # sleeping: run it now
            _wake(t)
        # Otherwise it is already due on the run queue and keeps its place.
        t.data = CancelledError
        return True


class _Sleep:
    # What sleep_ms() returns.  Step one queues the current task to wake at
    # `wake`; step two finishes.  Step two needs no state, so a single shared
    # instance serves all sleepers without touching the heap.
    def __init__(self):
        self.wake = None

    def __iter__(self):
        return self

    def __next__(self):
        w = self.wake
        if w is None:
            _STOP.__traceback__ = None  # reused: don't let a traceback grow
            raise _STOP
        self.wake = None
        _runq.push(_cur, w)

    def send(self, _):  # also usable as a task's coroutine: create_task(sleep(1))
        return self.__next__()

    def throw(self, e):
        self.wake = None  # cancelled before its first step: free it for reuse
        raise e


_STOP = StopIteration()
_sleeper = _Sleep()


def sleep_ms(t):
    s = _sleeper
    if s.wake is not None:
        s = _Sleep()  # the shared one was handed out and not awaited yet
    s.wake = _add(_now(), max(0, t))
    return s


def sleep(t):
    return sleep_ms(int(t * 1000))


def create_task(coro):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro)
    _runq.push(t, _now())
    return t


def _as_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def current_task():
    if _cur is None:
        raise RuntimeError("no running event loop")
    return _cur


def _finish(t, e, main):
    # Task t's coroutine stopped, raising e (StopIteration on return).
    t.data = e
    w = t.waiters
    t.waiters = None
    seen = t is main  # the caller of run_until_complete() gets main's result
    if isinstance(w, _Queue):
        while w.head:
            _wake(w.pop())
            seen = True
    elif w is not None:
        w(t, e)
        seen = True
    if seen or isinstance(e, _QUIET):
        t.state = 2
    else:
        # Nobody collected the error yet: queue the task once more, and report
        # the error then unless something awaits the task in the meantime.
        t.state = 1
        _runq.push(t, _now())


def _wait_until_due(main):
    # Block until the run queue's head is due, meanwhile waking tasks whose
    # flag or stream is ready.  False means nothing is left that could run.
    while True:
        t = _runq.head
        if t is not None:
            dt = max(0, _diff(t.key, _now()))
        elif _flags or _io.map:
            dt = -1
        elif main is None or main.state:
            return False
        else:
            dt = _IDLE_MS  # main waits on something only a callback can set
        if _flags:
            dt = _check_flags(dt)
        if _io.map:
            _io.wait(dt)
        elif dt > 0:
            _sleep_ms(dt)
        if dt == 0 and _runq.head:
            return True


def run_until_complete(main=None):
    # Run tasks until `main` ends, returning its result or raising its error.
    # With no main task, run until nothing is left to run.
    global _cur
    if main is not None and main.state:
        main.state = 2
        if isinstance(main.data, StopIteration):
            return main.data.value
        raise main.data
    while _wait_until_due(main):
        t = _runq.pop()
        _cur = t
        if t.state:
            # An ended task requeued by _finish to report its error.
            if t.state == 1:
                t.state = 2
                msg = "Task exception wasn't retrieved"
                c = {"message": msg, "exception": t.data, "future": t}
                _loop.call_exception_handler(c)
            continue
        exc = t.data
        t.data = None
        try:
            if exc is None:
                t.coro.send(None)
            else:
                t.coro.throw(exc)
        except _ENDS as e:
            _finish(t, e, main)
            if t is main:
                _cur = None
                if isinstance(e, StopIteration):
                    return e.value
                raise
    _cur = None


def run(coro):
    return run_until_complete(create_task(coro))


# ---- Synchronisation --------------------------------------------------------


class Event:
    def __init__(self):
        self.state = False
        self.waiting = _Queue()

    def is_set(self):
        return self.state

    def set(self):
        # Only call from a task (or code the loop calls); see ThreadSafeFlag.
        q = self.waiting
        while q.head:
            _wake(q.pop())
        self.state = True

    def clear(self):
        self.state = False

    def wait(self):  # coroutine
        if not self.state:
            _park(self.waiting)
            yield
        return True


class Lock:
    # release() hands the lock straight to the first waiter ("heir"): until
    # the heir runs, the lock is not locked() yet nobody else may take it.
    def __init__(self):
        self.held = False
        self.heir = None
        self.waiting = _Queue()

    def locked(self):
        return self.held

    def release(self):
        if not self.held:
            raise RuntimeError("Lock not acquired")
        self.held = False
        self._pass()

    def _pass(self):
        q = self.waiting
        self.heir = t = q.head and q.pop()
        if t:
            _wake(t)

    def acquire(self):  # coroutine
        if self.held or self.heir:
            _park(self.waiting)
            try:
                yield
            except CancelledError:
                if self.heir is _cur:
                    self._pass()  # cancelled after being handed the lock
                raise
            self.heir = None
        self.held = True
        return True

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, *exc):
        self.release()


class ThreadSafeFlag:
    # Like an auto-clearing Event for one waiter, but set() only stores a flag,
    # so it is safe from IRQs, threads and micropython.schedule callbacks.  The
    # loop notices the flag while polling (within _FLAG_MS when otherwise idle).
    def __init__(self):
        self.state = 0
        self.waiter = None

    def set(self):
        self.state = 1

    def clear(self):
        self.state = 0

    def wait(self):  # coroutine
        if not self.state:
            if self.waiter:
                raise RuntimeError("can't wait")  # one waiter at a time
            self.waiter = _cur
            _cur.data = self
            _flags.append(self)
            yield
        self.state = 0

    def _unpark(self, t):
        self.waiter = None
        _flags.remove(self)


def _check_flags(dt):
    # Wake the waiters of flags that got set; returns the time left to block.
    i = 0
    while i < len(_flags):
        f = _flags[i]
        if f.state:
            _flags.pop(i)
            _wake(f.waiter)
            f.waiter = None
            dt = 0
        else:
            i += 1
    if _flags and not 0 <= dt <= _FLAG_MS:
        dt = _FLAG_MS
    return dt


# ---- gather / wait_for ------------------------------------------------------


def gather(*aws, return_exceptions=False):  # coroutine
    ts = [_as_task(a) for a in aws]
    for t in ts:
        if not t.state and t.waiters is not None:
            raise RuntimeError("can't gather")  # already awaited or gathered
    me = _cur
    left = 0
    err = None
    cancelled = False

    def ended(t, e):
        # Called by the loop as each gathered task ends.
        nonlocal left, err
        if me.data is not _NOWHERE:
            return  # gather already woken (by an error or a cancel)
        if return_exceptions or isinstance(e, StopIteration):
            left -= 1
            if left:
                return
        else:
            err = e
        _wake(me)

    # A task that already failed means there's nothing to wait for.
    failed = False
    for t in ts:
        if t.state:
            t.state = 2
            failed |= not (return_exceptions or isinstance(t.data, StopIteration))
    if not failed:
        for t in ts:
            if not t.state and t.waiters is None:
                t.waiters = ended
                left += 1
        if left:
            me.data = _NOWHERE
            try:
                yield
            except CancelledError as e:
                err = e
                cancelled = True

    for i in range(len(ts)):
        t = ts[i]
        if not t.state:  # still running: detach it (cancel it if we were)
            t.waiters = None
            if cancelled:
                t.cancel()
        elif isinstance(t.data, StopIteration):
            ts[i] = t.data.value
        elif return_exceptions:
            ts[i] = t.data
        elif err is None:
            err = t.data
    if err is not None:
        raise err
    return ts


async def _watch(box, t):
    # wait_for's helper task: await t, then wake the waiter (asleep for the
    # timeout) by cancelling it with a CancelledError whose argument is t.
    # box holds the waiter, or None once that wait_for has given up on t.
    try:
        await t
    except BaseException:
        pass  # t's outcome stays in t.data
    w = box[0]
    if w is not None and w.data is None and w.cancel():
        w.data = CancelledError(t)


async def wait_for(aw, timeout, sleep=sleep):
    t = _as_task(aw)
    if timeout is None:
        return await t
    box = [_cur]
    helper = create_task(_watch(box, t))
    try:
        await sleep(timeout)
    except CancelledError as e:
        if e.args and e.args[0] is t:  # t ended in time
            if isinstance(t.data, StopIteration):
                return t.data.value
            raise t.data
        # Cancelled from outside: cancel t as well (via the helper), and
        # stop the helper from waking us once we have moved on.
        box[0] = None
        helper.cancel()
        raise
    # Timed out: cancel t (via the helper) and let it finish first.
    helper.cancel()
    await helper
    raise TimeoutError


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout, sleep_ms)


# ---- Event loop object ------------------------------------------------------


async def _nop():
    pass


class Loop:
    # There is one loop; get_event_loop() returns it, new_event_loop() resets it.
    def __init__(self):
        self._handler = None
        self._stopper = None

    def create_task(self, coro):
        return create_task(coro)

    def run_forever(self):
        # Run until stop() schedules the (never queued) stopper task.
        self._stopper = s = Task(_nop())
        run_until_complete(s)

    def run_until_complete(self, aw):
        return run_until_complete(_as_task(aw))

    def stop(self):
        s = self._stopper
        if s is not None:
            self._stopper = None
            _wake(s)

    def close(self):
        pass

    def set_exception_handler(self, handler):
        self._handler = handler

    def get_exception_handler(self):
        return self._handler

    def default_exception_handler(self, *args):  # (context) or (loop, context)
        c = args[-1]
        print(c["message"], file=sys.stderr)
        print("future:", c["future"], "coro=", c["future"].coro, file=sys.stderr)
        sys.print_exception(c["exception"], sys.stderr)

    def call_exception_handler(self, context):
        if self._handler:
            self._handler(self, context)
        else:
            self.default_exception_handler(context)


def get_event_loop(runq_len=0, waitq_len=0):
    return _loop


def new_event_loop():
    global _runq, _io, _flags, _loop
    for f in _flags:
        f.waiter = None
    _runq = _Queue()
    _io = _Poller()
    _flags = []  # ThreadSafeFlags with a task waiting
    _loop = Loop()
    return _loop


# ---- Streams ----------------------------------------------------------------


class _Poller:
    # Tasks parked until a stream is readable or writable.
    def __init__(self):
        self.map = {}  # id(stream) -> [reading task, writing task, stream]
        self.poll = None

    def park(self, s, w):
        # Park the current task until s is readable (w=0) or writable (w=1).
        if self.poll is None:
            import select

            self.poll = select.poll()
            self.rd = select.POLLIN
            self.wr = select.POLLOUT
        e = self.map.get(id(s))
        if e is None:
            e = self.map[id(s)] = [None, None, s]
        e[w] = _cur
        _cur.data = self
        self._update(e)

    def _update(self, e):
        m = 0
        if e[0]:
            m = self.rd
        if e[1]:
            m |= self.wr
        if m:
            self.poll.register(e[2], m)
        else:
            del self.map[id(e[2])]
            self.poll.unregister(e[2])

    def _unpark(self, t):
        for e in self.map.values():
            if t is e[0] or t is e[1]:
                e[e.index(t)] = None
                self._update(e)
                return

    def wait(self, dt):
        p = self.poll
        for s, ev in p.ipoll(dt) if hasattr(p, "ipoll") else p.poll(dt):
            e = self.map[id(s)]
            # Errors and hang-ups wake both sides.
            if e[0] and ev & ~self.wr:
                _wake(e[0])
                e[0] = None
            if e[1] and ev & ~self.rd:
                _wake(e[1])
                e[1] = None
            self._update(e)


class Stream:
    # A non-blocking stream (usually a socket), for both reading and writing.
    def __init__(self, s, e={}):
        self.s = s
        self.e = e
        self.out_buf = b""

    def get_extra_info(self, v):
        return self.e[v]

    def close(self):
        pass

    async def wait_closed(self):
        self.s.close()

    def _get(self, f, *a):
        # Wait until readable and f(*a) gives something other than None.
        while True:
            yield _io.park(self.s, 0)
            d = f(*a)
            if d is not None:
                return d

    def read(self, n=-1):  # coroutine; n < 0 reads to EOF
        out = b""
        while True:
            d = yield from self._get(self.s.read, n)
            if n >= 0:
                return d
            if not d:
                return out
            out += d

    def readinto(self, buf):  # coroutine
        return (yield from self._get(self.s.readinto, buf))

    def readexactly(self, n):  # coroutine
        out = b""
        while len(out) < n:
            d = yield from self._get(self.s.read, n - len(out))
            if not d:
                raise EOFError
            out += d
        return out

    def readline(self):  # coroutine
        out = b""
        while True:
            d = yield from self._get(self.s.readline)
            out += d
            if not d or out[-1] == 10:
                return out

    def write(self, buf):
        # Send at once if nothing is queued; drain() sends what didn't fit.
        if not self.out_buf:
            n = self.s.write(buf)
            if n == len(buf):
                return
            if n:
                buf = buf[n:]
        self.out_buf += buf

    def drain(self):  # coroutine
        if not self.out_buf:
            yield from sleep_ms(0)  # always yield, so write/drain loops can't hog
        while self.out_buf:
            mv = memoryview(self.out_buf)
            n = 0
            while n < len(mv):
                yield _io.park(self.s, 1)
                n += self.s.write(mv[n:]) or 0
            self.out_buf = self.out_buf[n:]  # keep data written meanwhile

    # Legacy uasyncio names.
    aclose = wait_closed

    async def awrite(self, buf, off=0, sz=-1):
        if off or sz >= 0:
            buf = memoryview(buf)[off : off + sz if sz >= 0 else len(buf)]
        self.write(buf)
        await self.drain()

    awritestr = awrite


StreamReader = Stream
StreamWriter = Stream


def _wrap_tls(s, ssl, **kw):
    if ssl is True:
        import ssl as _ssl

        ssl = _ssl.SSLContext(_ssl.PROTOCOL_TLS_CLIENT)
    s = ssl.wrap_socket(s, do_handshake_on_connect=False, **kw)
    s.setblocking(False)
    return s


def open_connection(host, port, ssl=None, server_hostname=None):  # coroutine
    import socket
    from errno import EINPROGRESS

    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]  # blocks
    s = socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as e:
        if e.errno != EINPROGRESS:
            raise
    if ssl:
        s = _wrap_tls(s, ssl, server_hostname=server_hostname or host)
    yield _io.park(s, 1)  # writable once connected
    st = Stream(s)
    return st, st


class Server:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()
        await self.wait_closed()

    def close(self):
        self.closing = True
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    def _serve(self, s, cb, ssl):  # coroutine: accept connections forever
        while True:
            try:
                yield _io.park(s, 0)
            except CancelledError:
                s.close()
                if self.closing:
                    return  # close() was called: a normal end
                raise
            try:
                c, addr = s.accept()
            except OSError:
                continue
            if ssl:
                try:
                    c = _wrap_tls(c, ssl, server_side=True)
                except OSError:
                    c.close()
                    continue
            c.setblocking(False)
            st = Stream(c, {"peername": addr})
            create_task(cb(st, st))


async def start_server(cb, host, port, backlog=5, ssl=None):
    import socket

    ai = socket.getaddrinfo(host, port)[0]  # blocks
    s = socket.socket(ai[0])
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    srv = Server()
    srv.closing = False
    srv.task = create_task(srv._serve(s, cb, ssl))
    try:
        await sleep_ms(0)  # let _serve start, so a cancel closes the socket
    except CancelledError:
        srv.task.cancel()
        raise
    return srv


_cur = None  # the running task
_flags = []
new_event_loop()
