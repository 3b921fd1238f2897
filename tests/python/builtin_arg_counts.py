# Built-in functions and methods called with one argument too many or too few raise
# TypeError (the extra argument used to be ignored).
import math
import micropython
import re


def attempt(label, f, *args):
    try:
        f(*args)
        print(label, "ok")
    except TypeError as e:
        print(label, "TypeError:", e)


attempt("bin(1, 2)", bin, 1, 2)
attempt("pow(1, 2, 3, 4)", pow, 1, 2, 3, 4)
attempt("pow(1)", pow, 1)
attempt("max()", max)
attempt("globals(1)", globals, 1)
attempt("math.sqrt(1, 2)", math.sqrt, 1, 2)
attempt("'a,b'.split(',', 1, 2)", "a,b".split, ",", 1, 2)
attempt("'ab'.partition()", "ab".partition)
attempt("b'ab'.hex(1, 2)", b"ab".hex, 1, 2)
attempt("{1}.remove(1, 2)", {1}.remove, 1, 2)
attempt("{1}.pop(1)", {1}.pop, 1)
attempt("{1}.union({2}, {3})", {1}.union, {2}, {3})
attempt("re.match('a')", re.match, "a")
attempt("match.groups(1)", re.match("a", "a").groups, 1)
attempt("micropython.stack_use(1)", micropython.stack_use, 1)
print("a,b,c".split(",", 1), pow(2, 3, 5), max(3, 4, key=lambda x: -x))
print(sorted({1}.union({2})), "ab".partition("a"), b"ab".hex())
