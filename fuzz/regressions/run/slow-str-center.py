'x'.center(10**9)
