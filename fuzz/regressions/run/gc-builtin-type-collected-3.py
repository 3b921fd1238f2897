import gc
gc.collect()
print(type(chr))
