# framebuf: every pixel format, lines, rectangles, ellipses, polygons, blit, scroll.
import framebuf
from array import array


def show(fb, w, h):
    for y in range(h):
        print("".join("%x" % fb.pixel(x, y) for x in range(w)))


for fmt, name in ((framebuf.MONO_VLSB, "MONO_VLSB"), (framebuf.MONO_HLSB, "MONO_HLSB"),
                  (framebuf.MONO_HMSB, "MONO_HMSB"), (framebuf.GS2_HMSB, "GS2_HMSB"),
                  (framebuf.GS4_HMSB, "GS4_HMSB"), (framebuf.GS8, "GS8"), (framebuf.RGB565, "RGB565")):
    w, h = 10, 9
    buf = bytearray(w * h * 2)
    fb = framebuf.FrameBuffer(buf, w, h, fmt)
    col = 3 if fmt in (framebuf.GS2_HMSB,) else 1
    fb.fill(0)
    fb.line(0, 0, 9, 4, col)
    fb.line(9, 8, 2, 1, col)
    fb.rect(1, 5, 4, 3, col)
    fb.pixel(-1, 0, col)
    print(name, fb.pixel(0, 0), fb.pixel(20, 20))
    show(fb, w, h)
    print(bytes(buf[:12]))

buf = bytearray(16 * 16)
fb = framebuf.FrameBuffer(buf, 16, 16, framebuf.GS8)
fb.ellipse(8, 8, 6, 4, 1)
fb.ellipse(8, 8, 3, 2, 2, True)
fb.ellipse(2, 2, 2, 2, 3, False, 0b0101)
show(fb, 16, 16)
fb.fill(0)
fb.poly(1, 1, array("h", [0, 0, 12, 2, 6, 12]), 5, True)
fb.poly(0, 0, array("b", [14, 0, 15, 15, 10, 8]), 7)
show(fb, 16, 16)
fb.fill_rect(-3, -3, 6, 6, 9)
fb.hline(10, 15, 100, 4)
fb.vline(15, -5, 8, 4)
fb.scroll(2, 1)
show(fb, 16, 16)

src = framebuf.FrameBuffer(bytearray(b"\x01\x02\x00\x03"), 2, 2, framebuf.GS8)
pal = framebuf.FrameBuffer(bytearray(b"\x00\x07\x08\x09"), 4, 1, framebuf.GS8)
dst = framebuf.FrameBuffer(bytearray(16), 4, 4, framebuf.GS8)
dst.blit(src, 1, 1)
dst.blit(src, -1, 2, 0)
dst.blit((bytearray(b"\x05\x05"), 2, 1, framebuf.GS8), 3, 0)
dst.blit(src, 2, 2, -1, pal)
show(dst, 4, 4)
print(bytes(memoryview(dst)))
for args in ((bytearray(4), 0, 4, framebuf.GS8), (bytearray(3), 2, 2, framebuf.GS8),
             (bytearray(8), 2, 2, 99), (bytearray(8), 2, 2, framebuf.GS8, 1)):
    try:
        framebuf.FrameBuffer(*args)
    except ValueError:
        print("ValueError")


class Sub(framebuf.FrameBuffer):
    def __init__(self, w, h):
        self.w = w
        super().__init__(bytearray(w * h), w, h, framebuf.GS8)


s = Sub(3, 2)
s.fill(6)
s.pixel(0, 0, 1)
print(s.w, bytes(s), isinstance(s, framebuf.FrameBuffer))
