# bytes.fromhex / bytearray.fromhex, bytes.hex with a separator, slice.indices.
print(bytes.fromhex("00017f80ff"))
print(bytearray.fromhex(" ab cd\tef\n"))
print(type(bytearray.fromhex("00")).__name__)
for bad in ("abc", "ab c", "zz", "ab:cd"):
    try:
        bytes.fromhex(bad)
    except ValueError as e:
        print("ValueError", repr(bad), e)
print(b"\x01\xab".hex(), b"\x01\xab\xff".hex(":"), memoryview(b"\x10\x20").hex("-"))


class Key:
    def __getitem__(self, key):
        return key


k = Key()
print(k[:].indices(10), k[2:].indices(10), k[-3:-1].indices(10))
print(k[::-1].indices(5), k[7:2:-2].indices(5), k[100:200].indices(3))
for bad in (None, -1):
    try:
        k[1:2].indices(bad)
    except (TypeError, ValueError) as e:
        print(type(e).__name__)
try:
    k[0:1:0].indices(3)
except ValueError as e:
    print("ValueError", e)
