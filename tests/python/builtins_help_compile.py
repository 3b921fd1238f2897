# compile() to code objects run by exec and eval; help() on objects, modules and classes.
c = compile("print(x)", "file", "exec")
print(type(c).__name__)
try:
    exec(c)
except NameError as e:
    print("NameError:", e)
x = 1
exec(c)
exec(c, {"x": 2})
exec(c, {}, {"x": 3})
print(eval(compile("x * 10", "f", "eval")))
exec(compile("if 1: 10 + 1\n", "file", "single"))
print(eval(compile("x = 5", "f", "exec")), x)
try:
    compile("1", "file", "bad")
except ValueError as e:
    print("ValueError:", e)
try:
    compile("x = = 1", "where.py", "exec")
except SyntaxError as e:
    print("SyntaxError:", e)
try:
    compile(1, "f", "exec")
except TypeError as e:
    print("TypeError:", e)
print(type(hash(c)))


def f():
    pass


print(f.__globals__ is globals(), f.__globals__["x"])


class A:
    y = 2
    z = "zed"


print(A.__module__)
help(A)
help(1)
print(print, object())
help("modules")
