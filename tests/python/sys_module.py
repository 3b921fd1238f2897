# sys: the standard streams, print_exception, exc_info, modules, implementation, argv.
import sys, io

sys.stdout.write("written\n")
sys.stdout.buffer.write(b"raw bytes\n")
print(type(sys.stdout).__name__, type(sys.stdout.buffer).__name__)
print(sys.stdin.fileno(), sys.stdout.fileno(), sys.stderr.fileno())


def fail():
    raise ValueError("bad value")


try:
    fail()
except ValueError as e:
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = buf.getvalue().split("\n")
    print(lines[0])
    print([line.split(",")[-1] for line in lines[1:-2]])
    print(lines[-2])
    t, v, tb = sys.exc_info()
    print(t is ValueError, v is e)
print(sys.exc_info()[0])

print("sys" in sys.modules, "__main__" in sys.modules)
with open("sysmod_probe.py", "w") as f:
    f.write("VALUE = 7\n")
import sysmod_probe
print(sys.modules["sysmod_probe"] is sysmod_probe, sysmod_probe.VALUE)
del sys.modules["sysmod_probe"]
print("sysmod_probe" in sys.modules)
print(sys.implementation.name, len(sys.implementation.version))
print(str(sys.implementation).startswith("(name='micropython'"))
print(sys.argv)
print(type(sys.path), sys.byteorder, sys.maxsize >= 2**31 - 1)
import usys
print(usys is sys)
