# micropython.mem_total / mem_current / mem_peak.
import micropython, gc

t, c, p = micropython.mem_total(), micropython.mem_current(), micropython.mem_peak()
data = list(range(5000))
print(micropython.mem_total() > t, micropython.mem_current() > c, micropython.mem_peak() > p)
data = None
gc.collect()
print(micropython.mem_peak() <= micropython.mem_total())
