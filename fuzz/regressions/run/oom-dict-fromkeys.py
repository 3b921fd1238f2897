dict.fromkeys(range(10**9))
