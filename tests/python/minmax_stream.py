# max and min stream one iterable: no list of its items is built.
print(max(range(10**6)))
print(min(range(5, 10**6)))
print(max((x * 7) % 1000 for x in range(20000)))
print(min(range(10**6), key=lambda x: -x))
print(max([], default='empty'))
print(max(3, 9, 4), min('hello'))
print(max([(1, 'b'), (1, 'c'), (0, 'z')]))
try:
    max(range(0))
except ValueError as e:
    print('ValueError', e)
try:
    min(1, 'a')
except TypeError:
    print('TypeError')
