# Pystone-like: the Dhrystone mix of small procedures, records (objects with fields),
# globals, 1-D and 2-D list indexing, short string comparisons and integer arithmetic.

KIND_A, KIND_B, KIND_C, KIND_D, KIND_E = 0, 1, 2, 3, 4


class Record:
    def __init__(self, link=None, kind=KIND_A, number=0, value=0, text=""):
        self.link = link
        self.kind = kind
        self.number = number
        self.value = value
        self.text = text

    def clone(self):
        return Record(self.link, self.kind, self.number, self.value, self.text)


flag = False
letter_one = "A"
letter_two = "B"
counter = 0
row = [0] * 51
grid = [[0] * 51 for _ in range(51)]
head = None


def pick_kind(kind):
    # Maps a kind to another through a chain of tests, as the original's enum procedure.
    if kind == KIND_A:
        return KIND_C
    if kind == KIND_B:
        return KIND_A if counter > 100 else KIND_D
    if kind == KIND_C:
        return KIND_B
    return KIND_E if kind == KIND_D else KIND_A


def same_letter(a, b):
    return KIND_B if a == b else KIND_A


def compare_words(first, second):
    index = 2
    letter = "A"
    while index <= 2:
        if same_letter(first[index], second[index + 1]) == KIND_A:
            letter = "A"
            index += 1
    if "W" <= letter <= "Z":
        index = 7
    if letter == "X":
        return True
    return first > second


def fill(a, b):
    global counter
    base = a + 5
    row[base] = b
    row[base + 1] = row[base]
    row[base + 30] = base
    for i in range(base, base + 2):
        grid[base][i] = base
    grid[base][base - 1] += 1
    grid[base + 20][base] = row[base]
    counter = 5


def update(record):
    global flag, letter_two
    nxt = record.link
    nxt.value = record.value
    record.number = 5
    nxt.number = record.number
    nxt.link = record.link
    if nxt.kind == KIND_A:
        nxt.number = 6
        nxt.kind = pick_kind(record.kind)
        nxt.link = head.link
        nxt.number = (nxt.number + counter) % 17
    else:
        record.value = nxt.value
    flag = letter_one == "A"
    letter_two = "B" if flag else "C"
    return nxt


def one_pass(i, record):
    global letter_one, head
    letter_one = "A"
    fill(i % 8, i % 11)
    a, b = 2, 3
    word_one = "DHRYSTONE PROGRAM, 1'ST STRING"
    word_two = "DHRYSTONE PROGRAM, 2'ND STRING"
    flag_local = not compare_words(word_one, word_two)
    while a < b:
        c = 5 * a - b
        a += 1
    nxt = update(record)
    head = record.clone()
    for ch in "AB":
        if ch == letter_two:
            letter_one = ch
    c = a * b
    b = c // a
    b = 7 * (c - b) - a
    return (a + b + c + nxt.number + (1 if flag_local else 0)) & 0xFFFF


def main(loops):
    global head
    head = Record(None, KIND_C, 40, 17, "SOME STRING")
    record = Record(head, KIND_A, 0, 3, "ANOTHER STRING")
    total = 0
    for i in range(loops):
        total = (total * 3 + one_pass(i, record)) % 1000003
    print("pystone", total, counter, row[12], grid[12][12], record.number, letter_one)


main(90000)
