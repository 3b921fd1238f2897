print("before")
x = 1
print(x + undefined_name)
print("after")
