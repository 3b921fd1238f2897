def level2(x):
    return x.missing


def level1():
    return level2(42)


print("start")
level1()
