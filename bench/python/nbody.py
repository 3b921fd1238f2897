# N-body: a made-up star with four planets, integrated with a symplectic Euler step.
# Float arithmetic on lists of floats, attribute-free inner loops, tuple unpacking.


def make_system():
    # [x, y, z, vx, vy, vz, mass] for each body; arbitrary but stable orbits.
    bodies = [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0],
        [1.5, 0.0, 0.1, 0.0, 5.1, 0.05, 0.02],
        [0.0, -3.2, 0.0, 3.5, 0.0, -0.1, 0.05],
        [-6.0, 0.4, -0.2, -0.2, -2.6, 0.0, 0.3],
        [0.5, 9.5, 0.3, -2.05, 0.1, 0.02, 0.12],
    ]
    # Give the star the opposite momentum so the centre of mass stays put.
    px = py = pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    star = bodies[0]
    star[3] = -px / star[6]
    star[4] = -py / star[6]
    star[5] = -pz / star[6]
    return bodies


def pairs_of(bodies):
    result = []
    for i in range(len(bodies)):
        for j in range(i + 1, len(bodies)):
            result.append((bodies[i], bodies[j]))
    return result


def advance(bodies, pairs, dt, steps):
    for _ in range(steps):
        for a, b in pairs:
            dx = a[0] - b[0]
            dy = a[1] - b[1]
            dz = a[2] - b[2]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * d2 ** 0.5)
            ma = a[6] * mag
            mb = b[6] * mag
            a[3] -= dx * mb
            a[4] -= dy * mb
            a[5] -= dz * mb
            b[3] += dx * ma
            b[4] += dy * ma
            b[5] += dz * ma
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]


def energy(bodies, pairs):
    e = 0.0
    for b in bodies:
        e += 0.5 * b[6] * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5])
    for a, b in pairs:
        dx = a[0] - b[0]
        dy = a[1] - b[1]
        dz = a[2] - b[2]
        e -= a[6] * b[6] / (dx * dx + dy * dy + dz * dz) ** 0.5
    return e


def main():
    bodies = make_system()
    pairs = pairs_of(bodies)
    before = energy(bodies, pairs)
    advance(bodies, pairs, 0.001, 30000)
    after = energy(bodies, pairs)
    # Fixed-point so that every interpreter prints the same digits.
    print("nbody", int(before * 1e9), int(after * 1e9))


main()
