# Dict churn: inserting, updating, looking up and deleting int and str keys, with .get,
# `in`, comprehensions and a word count. Results never depend on iteration order.


def int_keys(rounds):
    d = {}
    total = 0
    for i in range(rounds):
        key = i * 7 % 5003
        d[key] = d.get(key, 0) + i
        if i % 3 == 0 and (key + 11) in d:
            total += d.pop(key + 11)
        if len(d) >= 2000:
            # Keep about half of the keys (which half depends on i, not on dict order).
            # Rebuilt rather than deleted in place: MicroPython's dict keeps deleted slots
            # until it grows, and a table full of them makes every miss a full scan.
            d = {k: v for k, v in d.items() if k % 2 != i % 2}
    for k in d:
        total += k * 3 + d[k]
    return total & 0xFFFFFFF, len(d)


def str_keys(count):
    d = {}
    for i in range(count):
        d["key" + str(i % 997)] = i
    hits = 0
    for i in range(0, count, 3):
        name = "key" + str(i % 1201)
        if name in d:
            hits += d[name] % 100
    return hits


def word_count(text, repeat):
    counts = {}
    for _ in range(repeat):
        for word in text.split():
            if word in counts:
                counts[word] += 1
            else:
                counts[word] = 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[0][0], ranked[-1][0], len(ranked)


def nested(count):
    rows = {}
    for i in range(count):
        row = rows.setdefault(i % 50, {})
        row[i % 37] = row.get(i % 37, 0) + 1
    inverted = {v: k for k, v in {i: i * i % 101 for i in range(300)}.items()}
    return sum(len(r) for r in rows.values()), sum(inverted.values()) % 100000


TEXT = """the quick brown fox jumps over the lazy dog while a slow red fox sleeps under
an old oak tree and the dog barks at the moon over the hills near the river bank"""


def main():
    a, size = int_keys(200000)
    b = str_keys(130000)
    c = word_count(TEXT, 2000)
    d = nested(150000)
    print("dicts", a, size, b, c[0], c[1], c[2], d[0], d[1])


main()
