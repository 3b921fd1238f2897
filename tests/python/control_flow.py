# if/elif/else, while with else, break and continue, truthiness.
n = 0
while n < 10:
    n += 1
    if n % 2 == 0:
        continue
    elif n == 7:
        break
    else:
        print("odd", n)
else:
    print("never")

k = 3
while k:
    k -= 1
else:
    print("loop ended", k)

for_value = 0 if None else 1
print(for_value, "" or "default", 0 and 1, 1 and 2, not 0, not "x")
if 0:
    print("no")
elif "":
    print("no")
elif 0.0:
    print("no")
else:
    print("all falsy")
x = 1; y = 2; print(x, y)
a = b = 7
print(a, b)
