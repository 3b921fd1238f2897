# gc.threshold: a collection runs once that many bytes were allocated, not only when the
# heap is full; gc.disable() stops that, -1 turns it off. (Sized to hold on a board with a
# small heap as on the host.)
import gc

print(gc.threshold())
gc.threshold(1000)
print(gc.threshold())
gc.threshold(4096)
gc.collect()
base = gc.mem_alloc()
peak = 0
for i in range(2000):
    junk = [i] * 50
    peak = max(peak, gc.mem_alloc() - base)
print("bounded:", peak < 16 * 1024)

gc.disable()
junk = None
gc.collect()
base = gc.mem_alloc()
grew = False
for i in range(2000):
    junk = [i] * 50
    if gc.mem_alloc() - base > 16 * 1024:
        grew = True
        break
print("grows while disabled:", grew)
junk = None
gc.enable()
gc.threshold(-1)
print(gc.threshold())
