name = 'world'
n = 3.14159
print(f'hello {name!r:>10} {n:.2f} {n:e} {42:08b} {{}} {name + "!"}')
print('{} {:x} {a}'.format(1, 255, a='z'), '%s %d %5.1f' % ('s', 7, 2.5))
print(f'{1+2=}', f'{"nested" if n > 3 else "no":^12}')
print(str(b'bytes', 'utf-8'), bytes([1, 2]), bytearray(b'ab'), 'a,b'.split(','))
