# heapq: a min-heap kept in a list (MicroPython's subset: heappush, heappop, heapify).
#
# Sifting down follows the smaller child all the way to a leaf and then moves the item
# back up, with the same comparisons (only `<`) and tie-breaks as CPython, so that heaps
# come out laid out identically.

__all__ = ["heappush", "heappop", "heapify"]


def _check(heap):
    if not isinstance(heap, list):
        raise TypeError("heap must be a list")


def _bubble_up(heap, start, i):
    """Move heap[i] up towards heap[start] while it is smaller than its parent."""
    item = heap[i]
    while i > start:
        parent = (i - 1) >> 1
        p = heap[parent]
        if item < p:
            heap[i] = p
            i = parent
        else:
            break
    heap[i] = item


def _sift_down(heap, i):
    n = len(heap)
    start = i
    item = heap[i]
    child = 2 * i + 1
    while child < n:
        right = child + 1
        if right < n and not heap[child] < heap[right]:
            child = right
        heap[i] = heap[child]
        i = child
        child = 2 * i + 1
    heap[i] = item
    _bubble_up(heap, start, i)


def heappush(heap, item):
    _check(heap)
    heap.append(item)
    _bubble_up(heap, 0, len(heap) - 1)


def heappop(heap):
    _check(heap)
    if not heap:
        raise IndexError("empty heap")
    last = heap.pop()
    if not heap:
        return last
    top = heap[0]
    heap[0] = last
    _sift_down(heap, 0)
    return top


def heapify(x):
    _check(x)
    i = len(x) // 2 - 1
    while i >= 0:
        _sift_down(x, i)
        i -= 1
