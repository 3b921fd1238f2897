# neopixel: pixels as (r, g, b[, w]) tuples, kept in the strip's order (green first), written
# with machine.bitstream; bitstream's own argument checks.
import machine, neopixel

np = neopixel.NeoPixel(machine.Pin(4), 3)
print(len(np), np.bpp, np.buf)
np[0] = (255, 0, 0)
np[-1] = (1, 2, 3)
print(np[0], np[2], np.buf)
np.fill((9, 8, 7))
np.write()
print(np.buf)
w = neopixel.NeoPixel(machine.Pin(5), 2, bpp=4, timing=0)
w[1] = (1, 2, 3, 4)
print(w[1], w.buf, w.timing)
try:
    np[3] = (0, 0, 0)
except IndexError:
    print("IndexError")
machine.bitstream(machine.Pin(4), 0, (400, 850, 800, 450), b"\x01\x02")
for bad in ((machine.Pin(4), 1, (1, 2, 3, 4), b""), (machine.Pin(4), 0, (1, 2), b"")):
    try:
        machine.bitstream(*bad)
    except ValueError as e:
        print("ValueError", e)
