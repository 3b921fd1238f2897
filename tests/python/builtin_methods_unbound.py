# Built-in methods called through their class, with a missing or wrong receiver or the
# wrong number of arguments, raise TypeError (they used to abort the board).
import machine


def attempt(label, f, *args, **kw):
    try:
        f(*args, **kw)
        print(label, "ok")
    except TypeError as e:
        print(label, "TypeError:", e)


attempt("str.upper()", str.upper)
attempt("str.upper(5)", str.upper, 5)
attempt("list.clear()", list.clear)
attempt("dict.keys()", dict.keys)
attempt("dict.keys({}, 2)", dict.keys, {}, 2)
attempt("bytes.hex()", bytes.hex)
attempt("bytes.hex(1)", bytes.hex, 1)
attempt("machine.PWM.init(0, 1000)", machine.PWM.init, 0, 1000)
attempt("len()", len)
attempt("len(1, 2)", len, 1, 2)
attempt("len(x=1)", len, x=1)
attempt("'ab'.upper(1)", "ab".upper, 1)
attempt("list.append([], 1)", list.append, [], 1)
print(dict.fromkeys([1, 2]))
print({}.fromkeys("ab", 0))
