# Fannkuch: walk every permutation of 0..n-1 and count the pancake flips each one needs
# before 0 comes to the front. List slicing, reversal and index-heavy loops.


def flips(perm):
    p = perm[:]
    count = 0
    first = p[0]
    while first:
        # Reverse the first `first + 1` items.
        p[: first + 1] = p[first::-1]
        count += 1
        first = p[0]
    return count


def fannkuch(n):
    perm = list(range(n))
    # counters[i] says how many times the prefix of length i + 1 has been rotated.
    counters = [0] * n
    most = 0
    checksum = 0
    index = 0
    while True:
        f = flips(perm)
        if f > most:
            most = f
        checksum += f if index % 2 == 0 else -f
        index += 1
        # Next permutation: rotate the shortest prefix whose counter has not run out.
        i = 1
        while i < n:
            head = perm[0]
            for k in range(i):
                perm[k] = perm[k + 1]
            perm[i] = head
            counters[i] += 1
            if counters[i] <= i:
                break
            counters[i] = 0
            i += 1
        if i == n:
            return most, checksum, index


def main():
    # Three times over: one pass is too short to time well.
    results = [fannkuch(8) for _ in range(3)]
    most, checksum, count = results[0]
    print("fannkuch", most, checksum, count, results.count(results[0]))


main()
