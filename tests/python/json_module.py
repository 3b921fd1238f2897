# json: dumps/dump with separators, loads/load, errors.
import json, io

print(json.dumps([None, True, False, 1, -2, 3.5, "a\"b\\c\n\t\x01", [], {}, (1, 2)]))
print(json.dumps({"k": [1, {"n": None}]}))
print(json.dumps({"a": 1, "b": 2}, separators=(",", ":")))
print(json.dumps([1, 2], separators=[";", "="]))
print(json.dumps({1: "one"}), json.dumps({None: 0}), json.dumps({True: 1}), json.dumps({2.5: 0}))
print(json.dumps("héllo"))
print(json.dumps(10**20), json.dumps(-0.0), json.dumps(1e100))
s = io.StringIO()
json.dump({"x": [1, 2]}, s)
print(s.getvalue())

print(json.loads("null"), json.loads(" true "), json.loads("false"))
print(json.loads("[1, -2, 3.25, 1e3, -1E-2, 12345678901234567890]"))
print(json.loads('"a\\u00e9\\n\\t\\"\\\\\\/ \\ud83d\\ude00"'))
print(sorted(json.loads('{"b": [true, {"c": null}], "a": 1}').items()))
print(json.loads(b'[1, "two"]'), json.loads(bytearray(b"3")))
print(json.load(io.StringIO('{"from": "stream"}')))
for bad in ("", "[1,", "{1: 2}", "tru", "[1] x", '"open', "{\"a\" 1}", "01x"):
    try:
        json.loads(bad)
        print("parsed", repr(bad))
    except ValueError:
        print("ValueError", repr(bad))
try:
    json.dumps(object())
except TypeError:
    print("TypeError")
import ujson
print(ujson is json)
