# str methods and formatting: %, str.format, f-strings.
s = "Hello, World"
print(s.upper(), s.lower(), s.split(", "), s.replace("l", "L"), s.find("W"), s[1:5])
print("-".join(["a", "b", "c"]), "  pad  ".strip(), "xxhixx".strip("x"), "a b  c".split())
print(s.startswith("He"), s.endswith("x"), s.count("l"), "abc".index("c"))
print("%s is %d years, %.1f%%" % ("Bob", 42, 99.5))
print("%5s|%-5s|%05d|%x|%r" % ("a", "b", 42, 255, "q"))
print("{} and {}".format(1, "two"), "{name}!".format(name="x"), "{0}{0}".format("ab"))
w = 7
print(f"{s!r:>20} {3.14159:.2f} {42:08b} {'x'}{1 + 1} {w:>{w}}")
print(f"{'abc':^7}|{12345:,}|{3.5:e}|{0.000123:g}")
print("a,b,,c".split(","), "line1\nline2".splitlines(), "k=v".partition("="))
print(str(12), repr("q"), "ab" * 2, "x".center(5, "*"), "7".zfill(3))
