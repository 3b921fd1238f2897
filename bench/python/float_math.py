# Float: small objects holding floats (created, normalised, combined) and an escape-time
# loop over a grid of complex points written with plain floats.


class Vec:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def length(self):
        return (self.x * self.x + self.y * self.y + self.z * self.z) ** 0.5

    def scaled(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    def plus(self, other):
        return Vec(self.x + other.x, self.y + other.y, self.z + other.z)

    def dot(self, other):
        return self.x * other.x + self.y * other.y + self.z * other.z


def vectors(count):
    # A cheap deterministic wobble instead of trigonometry (no math module).
    points = []
    t = 0.0
    for i in range(count):
        t += 0.37
        x = t - int(t / 3.0) * 3.0 - 1.5
        y = (i % 17) * 0.25 - 2.0
        z = 1.0 / (1.0 + x * x)
        v = Vec(x, y, z)
        points.append(v.scaled(1.0 / v.length()))
    total = Vec(0.0, 0.0, 0.0)
    for p in points:
        total = total.plus(p)
    best = points[0]
    for p in points:
        if p.dot(total) > best.dot(total):
            best = p
    return total, best


def escape_counts(size, limit):
    total = 0
    for row in range(size):
        ci = -1.2 + 2.4 * row / size
        for col in range(size):
            cr = -2.1 + 2.8 * col / size
            zr = zi = 0.0
            n = 0
            while n < limit and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            total += n
    return total


def main():
    # Many small batches: the point is allocation churn, not a big live heap.
    total = Vec(0.0, 0.0, 0.0)
    for _ in range(40):
        part, best = vectors(2000)
        total = total.plus(part)
    counts = escape_counts(80, 80)
    print("float", int(total.x * 1e6), int(total.y * 1e6), int(best.z * 1e6), counts)


main()
