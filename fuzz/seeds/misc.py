import sys
import time
x = 2 ** 100
print(x, x // 7, x % 7, -x >> 3, hex(x), int('ff', 16), 1.5e300 * 1e10)
print(divmod(-7, 2), round(2.675, 2), abs(-3), min(3, 1, 2), max([1, 5]))
t = (1, 'a', None, True, 1.0)
print(t.index('a'), t.count(1), len(t), t * 2)
d = dict(a=1)
d.setdefault('b', []).append(2)
print(d, d.get('z'), list(d.keys()), sys.platform)
i = 0
while True:
    i += 1
    if i > 10:
        break
else:
    print('no')
global_g = 1
def h():
    global global_g
    global_g += 1
    del global_g
h()
assert i == 11, 'bad'
time.sleep_ms(1)
