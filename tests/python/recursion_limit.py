# Deep recursion raises RuntimeError instead of overflowing the native stack.
def down(n):
    return down(n + 1)


try:
    down(0)
except RuntimeError as e:
    print("RuntimeError:", e)
print("still alive")
