'x'.zfill(10**9)
