# time: sleeps, ticks arithmetic with wraparound, time/time_ns, gmtime/localtime/mktime.
import time

for name in ("sleep", "sleep_ms", "sleep_us", "ticks_ms", "ticks_us", "ticks_cpu",
             "ticks_add", "ticks_diff", "time", "time_ns", "gmtime", "localtime", "mktime"):
    print(name, callable(getattr(time, name)))

# Sleeps return None and advance the tick counters.
t0 = time.ticks_ms()
print(time.sleep_ms(5))
print(time.ticks_diff(time.ticks_ms(), t0) >= 4)
t0 = time.ticks_ms()
print(time.sleep(0.01))
print(time.ticks_diff(time.ticks_ms(), t0) >= 9)
u0 = time.ticks_us()
time.sleep_ms(5)
print(time.ticks_diff(time.ticks_us(), u0) >= 4000)
print(time.sleep_us(100), time.sleep_us(0), time.sleep_ms(0), time.sleep(0))
print(time.sleep_ms(-1), time.sleep_us(-5))
t0 = time.ticks_ms()
time.sleep(1 / 200)
print(time.ticks_diff(time.ticks_ms(), t0) >= 4)
for v in (time.ticks_ms(), time.ticks_us(), time.ticks_cpu()):
    print(type(v).__name__, v >= 0)
c0 = time.ticks_cpu()
print(type(time.ticks_diff(time.ticks_cpu(), c0)).__name__)

# Ticks arithmetic, written against the period so it holds for any word size.
PERIOD = time.ticks_add(0, -1) + 1
HALF = PERIOD // 2
print(PERIOD >= 2**30, PERIOD & (PERIOD - 1) == 0)
print(time.ticks_add(PERIOD - 1, 1), time.ticks_add(5, -10) == PERIOD - 5)
print(time.ticks_diff(0, PERIOD - 1), time.ticks_diff(PERIOD - 1, 0))
print(time.ticks_diff(5, 3), time.ticks_diff(3, 5), time.ticks_diff(7, 7))
print(time.ticks_diff(HALF - 1, 0) == HALF - 1, time.ticks_diff(HALF, 0) == -HALF)
print(time.ticks_diff(0, HALF) == -HALF, time.ticks_diff(0, HALF - 1) == 1 - HALF)
print(time.ticks_add(100, HALF - 1) == 100 + HALF - 1, time.ticks_add(100, 1 - HALF) == PERIOD - HALF + 101)
for start in (0, 1, 12345, HALF, PERIOD - 1):
    for delta in (0, 1, -1, 1000, -1000, HALF - 1, 1 - HALF):
        later = time.ticks_add(start, delta)
        assert 0 <= later < PERIOD
        assert time.ticks_diff(later, start) == delta, (start, delta)
        assert time.ticks_diff(start, later) == -delta, (start, delta)
print("ticks_add/ticks_diff agree")
for delta in (HALF, -HALF, PERIOD, -PERIOD):
    try:
        time.ticks_add(0, delta)
        print("no error", delta)
    except OverflowError as e:
        print("OverflowError:", e)
deadline = time.ticks_add(time.ticks_ms(), 50)
print(time.ticks_diff(deadline, time.ticks_ms()) > 0)

# time() and time_ns() come from the same clock.
s, ns = time.time(), time.time_ns()
print(type(ns).__name__, abs(ns // 1000000000 - int(s)) <= 1)
ns2 = time.time_ns()
print(ns2 >= ns)

# Broken-down times of fixed timestamps (the epoch is 1970).
for t in (0, 1, 59, 86399, 86400, 951782400, 951868800, 1000000000, 1234567890,
          2**31 - 1, 2**31, 4102444800, 4107542400, -1, -86400):
    g = time.gmtime(t)
    print(t, g[:8], len(g) >= 8)
    assert time.localtime(t)[:8] == g[:8]
print(len(time.gmtime()) >= 8, len(time.localtime()) >= 8, time.gmtime()[0] >= 1970)

# mktime inverts gmtime, normalises out-of-range fields, takes 8 or 9 items.
print(time.mktime((1970, 1, 1, 0, 0, 0, 0, 0)), time.mktime((2000, 1, 1, 0, 0, 0, 0, 0)))
print(time.mktime((2000, 1, 1, 0, 0, 0, 0, 0, 0)), time.mktime([2000, 1, 1, 0, 0, 0, 0, 0]))
print(time.mktime((2024, 2, 29, 12, 30, 45, 3, 60)))
print(time.mktime((2000, 13, 1, 0, 0, 0, 0, 0)), time.mktime((2000, 1, 0, 0, 0, 0, 0, 0)))
print(time.mktime((2000, 1, 1, 25, 61, 61, 0, 0)), time.mktime((2001, 2, 29, 0, 0, 0, 0, 0)))
print(time.mktime((2000, 3, 1, 0, 0, 0, 5, 123)) == time.mktime((2000, 3, 1, 0, 0, 0, 0, 0)))
print(time.gmtime(time.mktime((2000, 14, 35, 0, 0, 0, 0, 0)))[:8])
for t in (0, 86399, 951782400, 1234567890, 2**31, 4102444800):
    assert time.mktime(time.gmtime(t)) == t, t
print("mktime(gmtime(t)) == t")
for bad in ((2000, 1, 1), (2000, 1, 1, 0, 0, 0, 0), (2000, 1, 1, 0, 0, 0, 0, 0, 0, 0), 5, None):
    try:
        print(time.mktime(bad))
    except TypeError as e:
        print("TypeError:", e)

# Argument errors.
for call in (lambda: time.sleep("a"), lambda: time.sleep_ms(1.5), lambda: time.sleep_us("x"),
             lambda: time.ticks_add(0, 1.5), lambda: time.ticks_ms(1),
             lambda: time.ticks_diff(1), lambda: time.mktime((2000, "a", 1, 0, 0, 0, 0, 0))):
    try:
        call()
        print("no error")
    except TypeError as e:
        print("TypeError:", e)
