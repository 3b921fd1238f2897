# neopixel: a strip of WS2812 ("NeoPixel") LEDs on one pin, as MicroPython's boards offer it.
#
# np = NeoPixel(pin, n, bpp=3, timing=1): `n` pixels of `bpp` bytes (3: RGB, 4: RGBW), sent
# in the order the LEDs expect (green, red, blue, then white). np[i] is an (r, g, b[, w])
# tuple; fill() sets them all; write() clocks the buffer out with machine.bitstream. Timing
# 1 is 800 kHz, 0 is 400 kHz, or a tuple of the four pulse lengths in ns.

from machine import bitstream

# Where each of r, g, b, w goes in a pixel's bytes.
_ORDER = (1, 0, 2, 3)


class NeoPixel:
    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.buf = bytearray(n * bpp)
        self.pin.init(pin.OUT)
        if timing == 1:
            self.timing = (400, 850, 800, 450)
        elif timing == 0:
            self.timing = (800, 1700, 1600, 900)
        else:
            self.timing = timing

    def __len__(self):
        return self.n

    def __setitem__(self, i, value):
        if i < 0:
            i += self.n
        base = i * self.bpp
        for k in range(self.bpp):
            self.buf[base + _ORDER[k]] = value[k]

    def __getitem__(self, i):
        if i < 0:
            i += self.n
        base = i * self.bpp
        return tuple(self.buf[base + _ORDER[k]] for k in range(self.bpp))

    def fill(self, value):
        for i in range(self.n):
            self[i] = value

    def write(self):
        bitstream(self.pin, 0, self.timing, self.buf)
