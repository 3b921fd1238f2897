# Text encodings: utf-8 and ascii, the strict, ignore and replace error handlers, on bytes,
# bytearray and memoryview sources; unknown encodings; %c and {:c} ranges.
print(b"hello".decode("utf-8"), b"hello".decode("utf8"), b"hello".decode("ascii"))
print("h\xe9".encode(), "hello".encode("ascii"), bytes("\xe9", "utf8"), "\xe9".encode("utf-8"))
for errors in ("ignore", "replace"):
    print(repr(b"a\xffb\x80c".decode("utf-8", errors)))
    print(repr(b"x\xe4\xb8 y\xf0\x9f".decode("utf-8", errors)))
    print(repr(b"\xff\xc2\xa9".decode("utf-8", errors)))
    print(repr(b"n\xe5\xa5\xbd".decode("ascii", errors)))
    print(repr(str(bytearray(b"x\xc3\x28y"), "utf-8", errors)))
    print(repr(str(memoryview(b"ab\xff"), "utf-8", errors)))
print(repr(b"caf\xc3\xa9".decode("utf-8", "replace")), str(memoryview(b"hello"), "utf-8"))


def attempt(f):
    try:
        print(repr(f()))
    except UnicodeError:
        print("UnicodeError")
    except LookupError as e:
        print("LookupError:", e)


attempt(lambda: b"\xff\xfe".decode())
attempt(lambda: b"\xff\xfe".decode("utf-8", "strict"))
attempt(lambda: str(b"ni\xe5\xa5\xbd", "ascii"))
attempt(lambda: str(memoryview(b"a\xffb"), "utf-8"))
attempt(lambda: bytes("\U0001f600", "ascii"))
attempt(lambda: "\u4f60".encode("ascii"))
attempt(lambda: b"hello".decode("latin-1"))
attempt(lambda: "hello".encode("utf-16"))

print("%c%c" % (0x3BC, 0x1F40D), "{:c}".format(169), "%c" % 0x10FFFF, "%c" % "z")
for f in (lambda: "%c" % 0x110000, lambda: "{:c}".format(-1), lambda: chr(0x110000)):
    try:
        f()
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
for f in (lambda: "%c" % "ab", lambda: "%c" % 1.5):
    try:
        f()
    except TypeError as e:
        print("TypeError:", e)
try:
    eval('"\\U00110000"')
except SyntaxError:
    print("SyntaxError")
