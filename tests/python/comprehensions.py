# List, dict and set comprehensions and generator expressions, each in its own scope.
print([i * i for i in range(5)])
print([x for x in range(10) if x % 3 == 0])
print([(i, j) for i in range(3) for j in range(i)])
print({i: i * i for i in range(3)})
print(sorted({i % 3 for i in range(10)}))
print(sum(x for x in range(101)))
print(list(x for x in "abc"))
i = "unchanged"
squares = [i for i in range(3)]
print(i, squares)
