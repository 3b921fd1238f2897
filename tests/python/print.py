# print() with several arguments, sep and end.
print()
print(1, "two", 3.0, None, True, False)
print("a", "b", "c", sep="")
print("a", "b", sep=", ", end="!\n")
print("no newline", end="")
print(" then newline")
print(-1, -0, 2 ** 63, -2 ** 63)
