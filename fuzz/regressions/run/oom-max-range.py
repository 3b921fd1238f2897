max(range(10**12))
