"""The C littlefs's side of tests/compat.rs, through littlefs-python.

    compat.py create IMAGE TREE     make an image with a tree (dirs, inline and multi-block
                                    files, a rename, a removal, an attribute), dump the tree
    compat.py read IMAGE TREE       mount an image, dump its tree
    compat.py modify IMAGE TREE     mount an image, change it, write it back, dump the tree

A tree dump has one line per entry, sorted: "D path", or "F path hex" for a file, and
"A path hex" for a file's 't' attribute (MicroPython's mtime).
The configuration is MicroPython's VfsLfs2 default over 4096-byte blocks.
"""

import sys

from littlefs import LittleFS, UserContext

BLOCK_SIZE = 4096
BLOCK_COUNT = 128


def config(buffer=None):
    ctx = UserContext(buffsize=BLOCK_SIZE * BLOCK_COUNT, buffer=buffer)
    return dict(
        context=ctx,
        block_size=BLOCK_SIZE,
        block_count=BLOCK_COUNT,
        read_size=32,
        prog_size=32,
        cache_size=128,
        lookahead_size=32,
        block_cycles=100,
        name_max=255,
    )


def pattern(seed, n):
    x = (seed * 2654435761 + 12345) & 0xFFFFFFFF
    out = bytearray()
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


def write(fs, path, data):
    with fs.open(path, "wb") as f:
        f.write(data)


def dump(fs, out_path):
    lines = []

    def walk(d):
        for name in fs.listdir(d):
            p = (d.rstrip("/") + "/" + name) if d != "/" else "/" + name
            st = fs.stat(p)
            if st.type == 2:
                lines.append("D " + p)
                walk(p)
            else:
                with fs.open(p, "rb") as f:
                    data = f.read()
                assert len(data) == st.size, (p, len(data), st.size)
                lines.append("F %s %s" % (p, data.hex()))
                try:
                    lines.append("A %s %s" % (p, fs.getattr(p, "t").hex()))
                except Exception:
                    pass

    walk("/")
    with open(out_path, "w") as f:
        f.write("\n".join(sorted(lines)) + "\n")


def create(image, tree):
    fs = LittleFS(mount=False, **config())
    fs.format()
    fs.mount()
    fs.mkdir("lib")
    fs.mkdir("lib/pkg")
    fs.mkdir("data")
    fs.mkdir("empty")
    write(fs, "boot.py", b"# boot\n")
    write(fs, "main.py", b"print('hello from C littlefs')\n")
    write(fs, "zero", b"")
    write(fs, "one", b"1")
    write(fs, "inline128", pattern(1, 128))
    write(fs, "lib/pkg/__init__.py", pattern(2, 129))
    write(fs, "lib/big.bin", pattern(3, 50000))
    write(fs, "data/blocky", pattern(4, 4096 * 3 + 17))
    for i in range(70):
        write(fs, "data/log%03d.txt" % i, pattern(100 + i, (i * 37) % 300))
    fs.setattr("main.py", "t", (1700000000 * 10**9).to_bytes(8, "little"))
    fs.rename("data/log005.txt", "lib/renamed.txt")
    fs.rename("data/blocky", "blocky-moved")
    fs.remove("data/log006.txt")
    fs.remove("one")
    with fs.open("lib/big.bin", "r+b") as f:
        f.seek(20000)
        f.write(b"patched in the middle")
    fs.unmount()
    with open(image, "wb") as f:
        f.write(fs.context.buffer)
    fs = LittleFS(mount=True, **config(bytearray(open(image, "rb").read())))
    dump(fs, tree)


def read(image, tree):
    fs = LittleFS(mount=False, **config(bytearray(open(image, "rb").read())))
    fs.mount()
    dump(fs, tree)


def modify(image, tree):
    fs = LittleFS(mount=False, **config(bytearray(open(image, "rb").read())))
    fs.mount()
    names = sorted(fs.listdir("/"))
    write(fs, "from-c.txt", pattern(7, 3000))
    fs.mkdir("c-dir")
    write(fs, "c-dir/x", b"x" * 10)
    for n in names:
        st = fs.stat("/" + n)
        if st.type == 1:
            with fs.open("/" + n, "ab") as f:
                f.write(b"+c")
            break
    fs.unmount()
    with open(image, "wb") as f:
        f.write(fs.context.buffer)
    dump(LittleFS(mount=True, **config(bytearray(fs.context.buffer))), tree)


if __name__ == "__main__":
    {"create": create, "read": read, "modify": modify}[sys.argv[1]](sys.argv[2], sys.argv[3])
