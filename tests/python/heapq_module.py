# heapq: heappush/heappop/heapify, heap layout and ordering, custom ordering, errors.
import heapq


def check(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__ + ":", e)


def is_heap(h):
    return all(not (h[(i - 1) // 2] > h[i]) for i in range(1, len(h)))


data = [5, 3, 8, 1, 9, 2, 7, 4, 6, 0]
h = list(data)
print(heapq.heapify(h), h, is_heap(h))
h = []
for x in data:
    print(heapq.heappush(h, x), end=" ")
print(h, is_heap(h))
print([heapq.heappop(h) for _ in range(len(h))], h)

# The exact layout matches the reference sift algorithm.
for seq in ([3, 2, 1], [1, 2, 3], [2, 2, 1, 1], list(range(10, 0, -1)), [4, 1, 3, 2, 16, 9, 10, 14, 8, 7]):
    a = list(seq)
    heapq.heapify(a)
    b = []
    for x in seq:
        heapq.heappush(b, x)
    print(a, b)
h = [1, 5, 2, 9, 6, 3]
heapq.heapify(h)
print(heapq.heappop(h), h)
print(heapq.heappop(h), h)

# Heap sort of several kinds of item.
def heapsort(items):
    h = []
    for v in items:
        heapq.heappush(h, v)
    return [heapq.heappop(h) for _ in range(len(h))]


print(heapsort([3.5, -1, 2, 0.5, 10, -7.25]))
print(heapsort(["pear", "apple", "fig", "banana"]))
print(heapsort([(2, "b"), (1, "z"), (2, "a"), (1, "y")]))
print(heapsort([]), heapsort([42]))
big = [(i * 37) % 101 for i in range(101)]
print(heapsort(big) == sorted(big))
h = list(big)
heapq.heapify(h)
print(is_heap(h), [heapq.heappop(h) for _ in range(5)], len(h))

# A priority queue of tasks.
tasks = []
heapq.heappush(tasks, (3, "write"))
heapq.heappush(tasks, (1, "plan"))
heapq.heappush(tasks, (2, "code"))
heapq.heappush(tasks, (1, "coffee"))
while tasks:
    print(heapq.heappop(tasks), end=" ")
print()


# Objects that define only __lt__.
class Job:
    def __init__(self, pri, name):
        self.pri, self.name = pri, name

    def __lt__(self, other):
        return self.pri < other.pri

    def __repr__(self):
        return "Job(%d, %s)" % (self.pri, self.name)


jobs = [Job(5, "e"), Job(1, "a"), Job(3, "c")]
heapq.heapify(jobs)
print(jobs[0], [heapq.heappop(jobs).name for _ in range(3)])

# Errors.
check(lambda: heapq.heappop([]))
check(lambda: heapq.heappush((), 1))
check(lambda: heapq.heappush([1], "a"))
check(lambda: heapq.heapify((3, 1)))
check(lambda: heapq.heapify(5))
check(lambda: heapq.heappop((1,)))
check(lambda: heapq.heappush(bytearray(b"a"), 1))
check(lambda: heapq.heapify([1, "a", 2]))
check(lambda: heapq.heappush([], 1, 2))
check(lambda: heapq.heapify())
print(hasattr(heapq, "heappushpop"), hasattr(heapq, "nlargest"), hasattr(heapq, "merge"))
import uheapq
print(uheapq is heapq)
