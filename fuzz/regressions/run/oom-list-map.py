list(map(abs, range(10**12)))
