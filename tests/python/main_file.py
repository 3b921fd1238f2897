# __file__ of the main program: the name it runs under (`<stdin>` for code given on stdin).
print(__file__, type(__file__).__name__)
