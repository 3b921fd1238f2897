# builtins: the module's attributes are the builtins; replacing, adding and restoring names.
import builtins

print(type(builtins).__name__, builtins.__name__)
print(builtins.print is print, builtins.len is len, builtins.int is int)
print(builtins.ValueError is ValueError, builtins.Exception is Exception)
print(builtins.object is object, builtins.NotImplemented is NotImplemented)
print(builtins.Ellipsis is Ellipsis, builtins.range is range)
print(getattr(builtins, "abs")(-3), builtins.max(1, 5, 2), builtins.sorted([3, 1, 2]))
print(hasattr(builtins, "print"), hasattr(builtins, "no_such_builtin"))
names = ("abs", "all", "any", "bin", "bool", "bytearray", "bytes", "callable", "chr",
         "classmethod", "delattr", "dict", "dir", "divmod", "enumerate", "eval", "exec",
         "filter", "float", "frozenset", "getattr", "globals", "hasattr", "hash", "hex",
         "id", "int", "isinstance", "issubclass", "iter", "len", "list", "locals", "map",
         "max", "memoryview", "min", "next", "object", "oct", "open", "ord", "pow", "print",
         "property", "range", "repr", "reversed", "round", "set", "setattr", "slice",
         "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "zip",
         "__import__", "__build_class__", "__repl_print__",
         "BaseException", "ArithmeticError", "AssertionError", "AttributeError", "EOFError",
         "GeneratorExit", "ImportError", "IndentationError", "IndexError", "KeyError",
         "KeyboardInterrupt", "LookupError", "MemoryError", "NameError",
         "NotImplementedError", "OSError", "OverflowError", "RuntimeError",
         "StopAsyncIteration", "StopIteration", "SyntaxError", "SystemExit", "TypeError",
         "UnicodeError", "ValueError", "ZeroDivisionError")
print([n for n in names if n not in dir(builtins)])
print("print" in dir(builtins), "__name__" in dir(builtins))

try:
    builtins.no_such_builtin
except AttributeError as e:
    print("AttributeError:", e)

# Replacing a builtin is seen by every unqualified use of the name.
original_len = builtins.len


def fake_len(x):
    return 99


builtins.len = fake_len
print(len([1, 2]))


def uses_len():
    return len("abc")


print(uses_len())
builtins.len = original_len
print(len([1, 2]), uses_len(), builtins.len is len)

# A global of the same name shadows the builtin; deleting it uncovers the builtin again.
len = lambda x: -1
print(len("abcd"), builtins.len("abcd"))
del len
print(len("abcd"))

# A new name added to builtins is visible everywhere.
builtins.brand_new_helper = lambda: "helper called"
print(brand_new_helper())
exec("print(brand_new_helper())")
del builtins.brand_new_helper
try:
    brand_new_helper()
except NameError as e:
    print("NameError:", e)

# Wrapping print through builtins.
original_print = builtins.print


def tagged_print(*args, **kwargs):
    original_print("[tag]", *args, **kwargs)


builtins.print = tagged_print
print("hello", 1, sep="-")
builtins.print = original_print
print("restored", print is original_print)

# __import__ through the module.
m = builtins.__import__("builtins")
print(m is builtins)
import sys
print(sys.modules.get("builtins") is builtins or "builtins" not in sys.modules)
