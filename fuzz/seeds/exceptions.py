class MyErr(ValueError):
    pass

def f(n):
    try:
        if n == 0:
            raise MyErr('zero')
        return 10 // n
    except ZeroDivisionError as e:
        print('zde', e)
    except (KeyError, ValueError) as e:
        print('caught', type(e).__name__, e.args)
        raise RuntimeError('again') from e
    else:
        print('else')
    finally:
        print('finally')

for n in (1, 0):
    try:
        f(n)
    except RuntimeError as e:
        print(repr(e))
with open if False else None or [] as x:
    pass
