# sys.exit() ends a program quietly: nothing after it runs, no traceback.
import sys

print("before")
try:
    sys.exit(2)
except SystemExit as e:
    print("caught", e.args)
sys.exit()
print("after")
