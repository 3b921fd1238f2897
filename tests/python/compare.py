# Comparisons, including chains and mixed numeric types.
print(1 < 2, 2 < 1, 1 <= 1, 1 >= 2, 1 == 1.0, 1 != 1)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 > 0, 1 == 1 == 1.0)
print(2 ** 64 > 2 ** 63, 2 ** 64 == 2 ** 64, -2 ** 64 < 0)
print(0.5 < 1 < 1.5, 9007199254740993 > 9007199254740992.0)
print(None is None, None is not None, True is True, 1 == True)
print("a" == 1, None == 0)
