# framebuf.text: 8x8 glyphs, one per character, clipped at the edges.
import framebuf

fb = framebuf.FrameBuffer(bytearray(8 * 24), 24, 8, framebuf.MONO_HLSB)


def lit(x0, x1):
    return sum(fb.pixel(x, y) for x in range(x0, x1) for y in range(8))


fb.text("A b", 0, 0)
print(lit(0, 8) > 0, lit(8, 16), lit(16, 24) > 0)
print(all(fb.pixel(7, y) == 0 for y in range(8)))
fb.fill(0)
fb.text("MM", -4, 0)
print(lit(0, 4) > 0, lit(4, 24) > 0)
fb.fill(0)
fb.text("#", 0, 4, 1)
print(lit(0, 8) > 0, sum(fb.pixel(x, y) for x in range(8) for y in range(4)))
fb.fill(1)
fb.text("\x01\x7f", 0, 0, 0)
print(lit(0, 16) < 128, lit(16, 24))
for c in range(33, 127):
    fb.fill(0)
    fb.text(chr(c), 0, 0)
    if not lit(0, 8):
        print("blank glyph", c)
