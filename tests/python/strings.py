# String literals, concatenation, repetition, comparison, membership.
print('single', "double", '''triple
quoted''', "it's", 'say "hi"')
print("tab\there", "new\\nline", 'hex \x41', "\u00e9t\u00e9")
print("ab" + "cd", "ab" * 3, 2 * "xy", "a" * 0 + "|")
print("abc" == "abc", "abc" != "abd", "abc" < "abd", "b" > "abc")
print("bc" in "abcd", "x" in "abcd", "" in "a", "z" not in "abc")
print("adjacent" " literals")
s = "x"
s += "y"
print(s, "unused" if False else "kept")
