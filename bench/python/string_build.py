# String building: concatenation, join, %-formatting, slicing, split, replace, upper/lower,
# find and comparisons, with a checksum over the characters produced.


def checksum(text, seed):
    h = seed
    for ch in text:
        h = (h * 31 + ord(ch)) & 0xFFFFFF
    return h


def concat_lines(count):
    # Short strings grown with +=, collected and joined (a long += chain is quadratic on
    # interpreters without CPython's in-place trick, which is not what this measures).
    lines = []
    for i in range(count):
        line = "line "
        line += str(i)
        line += ": "
        line += "ab" * (i % 5)
        lines.append(line + "\n")
    return "".join(lines)


def joined_words(count):
    words = []
    for i in range(count):
        word = "w" + str(i * 7919 % 1000)
        if i % 3 == 0:
            word = word.upper()
        words.append(word)
    return " ".join(words)


def rewrite(text):
    parts = text.split(" ")
    kept = [p[1:] + p[:1] for p in parts if not p.startswith("W")]
    text = ",".join(kept)
    text = text.replace("w1", "<one>").replace(",", ";")
    return text.lower()


def scan(text, needle):
    hits = 0
    for line in text.split("\n"):
        pos = line.find(needle)
        while pos >= 0:
            hits += 1
            pos = line.find(needle, pos + 1)
    return hits


def padded_table(rows):
    lines = []
    for i in range(rows):
        name = "item" + str(i)
        lines.append("%-10s|%6d|%03d" % (name, i * i % 9973, i % 11))
    table = "\n".join(lines)
    return table, max(lines), min(lines)


def main():
    h = 0
    total = 0
    for _ in range(6):
        text = concat_lines(2000)
        h = checksum(text, h)
        words = rewrite(joined_words(3000))
        h = checksum(words, h)
        total += scan(words, "<one>") + scan(text, "abab")
        table, high, low = padded_table(1500)
        h = checksum(table + high + low, h)
        total += len(text) + len(words) + len(table)
    print("strings", h, total)


main()
