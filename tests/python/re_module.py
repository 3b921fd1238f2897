# re: compile, match, search, groups, sub with templates and functions, split, errors.
import re

r = re.compile(r"(\d+)-(\w+)")
m = r.match("12-ab rest")
print(m.group(0), m.group(1), m.group(2), m.groups(), m.group(1, 2))
print(m.start(), m.end(), m.span(2))
print(r.match("x12-ab"), r.search("x12-ab").group(0))
print(re.match("a|b|c", "c").group(0), re.match("[^a-c]+", "xyzab").group(0))
print(re.match("a+?", "aaa").group(0), re.match("a*?b", "aab").group(0))
print(re.match(r"\s*(\S+)\s*", "  word  ").group(1))
print(re.match("(a)?b", "b").group(1), re.match("(?:ab)+", "ababx").group(0))
print(re.match(r"\d{2,3}", "12345").group(0), re.match("x{2}", "xxx").group(0))
print(re.search("^b", "ab"), re.search("b$", "ab").group(0))
print(re.match("[.\\]]+", ".]].x").group(0), re.match(r"[\d\s]+", "1 2a").group(0))
print(re.match(b"[a-z]+", b"abc1").group(0))
print(re.compile("o").search("dog", 2), re.compile("o").search("dog", 1).group(0))

print(re.sub(r"\d+", lambda m: str(int(m.group(0)) * 2), "a1 b22 c333"))
print(re.sub(r"(\w+)=(\w+)", r"\2=\1", "x=1, y=2"))
print(re.sub(r"(a)", r"\g<1>\g<1>", "banana", 2))
print(re.sub("x*", "-", "abc"))
print(re.sub("b", "\\\\", "abc"))
print(re.split(" +", "a b   c"), re.compile(",").split("1,2,3", 1))
print(re.split("x*", "axbc"))
try:
    re.split("(,)", "a,b")
except NotImplementedError:
    print("NotImplementedError")

for bad in ("*", "a**", "(", ")", "[a", "(?P<n>x)"):
    try:
        re.compile(bad)
        print("compiled", bad)
    except ValueError:
        print("error", bad)
try:
    re.match("(a*)*", "aaaa")
    print("matched")
except RuntimeError:
    print("RuntimeError")
try:
    re.sub("(a)", r"\2", "a")
except ValueError:
    print("invalid group")
print(repr(re.match("a", "a"))[:7])
