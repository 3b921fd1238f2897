# gc.threshold: a collection runs once that many bytes were allocated, not only when the
# heap is full; gc.disable() stops that, -1 turns it off.
import gc

print(gc.threshold())
gc.threshold(1000)
print(gc.threshold())
gc.threshold(8192)
gc.collect()
base = gc.mem_alloc()
peak = 0
for i in range(2000):
    junk = [i] * 50
    peak = max(peak, gc.mem_alloc() - base)
print("bounded:", peak < 64 * 1024)

gc.disable()
peak = 0
for i in range(2000):
    junk = [i] * 50
    peak = max(peak, gc.mem_alloc() - base)
print("grows while disabled:", peak > 64 * 1024)
gc.enable()
gc.threshold(-1)
print(gc.threshold())
