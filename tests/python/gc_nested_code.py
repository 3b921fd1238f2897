# The constants of nested code survive collection after the module that made them has run.
import gc

with open("nested_consts.py", "w") as f:
    f.write("def outer():\n    def inner():\n        return 'kept ' + 'constant'\n    return inner\n")
import nested_consts

for i in range(3):
    junk = [str(n) + "zz" for n in range(2000)]
    gc.collect()
print(nested_consts.outer()())
