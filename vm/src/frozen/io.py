# io: in-memory streams (StringIO, BytesIO), IOBase and BufferedWriter.
#
# Both memory streams keep their contents in a bytearray; StringIO holds the text as UTF-8
# and, as in MicroPython, its positions (tell, seek) count bytes while read(n) counts
# characters.

__all__ = ["IOBase", "StringIO", "BytesIO", "BufferedWriter"]

_EINVAL = 22
_EAGAIN = 11

try:
    open = open
    __all__.append("open")
except NameError:
    pass


class IOBase:
    pass


def _closed():
    return ValueError("I/O operation on closed file")


class _MemoryIO(IOBase):
    def __init__(self, initial=None):
        if initial is None or isinstance(initial, int):
            # An int is a size hint; the stream starts empty.
            self._buf = bytearray()
        else:
            self._buf = bytearray(self._to_bytes(initial))
        self._pos = 0
        self._closed = False

    def __repr__(self):
        return "<io.%s 0x%x>" % (type(self).__name__, id(self))

    def _check(self):
        if self._closed:
            raise _closed()

    @property
    def closed(self):
        return self._closed

    def close(self):
        self._closed = True
        self._buf = bytearray()

    def flush(self):
        self._check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def tell(self):
        return self._pos

    def seek(self, offset, whence=0):
        if whence == 0:
            if offset < 0:
                raise OSError(_EINVAL)
            pos = offset
        elif whence == 1:
            pos = self._pos + offset
        elif whence == 2:
            pos = len(self._buf) + offset
        else:
            raise OSError(_EINVAL)
        if pos < 0:
            pos = 0
        self._pos = pos
        return pos

    def write(self, data, *extent):
        # MicroPython's extended forms: write(buf, length), write(buf, offset, length).
        if len(extent) == 1:
            data = data[: extent[0]]
        elif len(extent) == 2:
            data = data[extent[0] : extent[0] + extent[1]]
        elif extent:
            raise TypeError("function takes at most 4 arguments")
        self._check()
        b = self._to_bytes(data)
        buf = self._buf
        pos = self._pos
        end = len(buf)
        if pos == end:
            buf.extend(b)
        else:
            if pos > end:
                buf.extend(bytes(pos - end))
            buf[pos : pos + len(b)] = b
        self._pos = pos + len(b)
        return len(data)

    def _read_bytes(self, n):
        """The bytes from the position up to n units (-1: to the end); moves on."""
        self._check()
        buf = self._buf
        pos = self._pos
        if pos >= len(buf):
            return b""
        if n is None or n < 0:
            end = len(buf)
        else:
            end = self._advance(pos, n)
        self._pos = end
        return bytes(buf[pos:end])

    def _line_bytes(self, size):
        self._check()
        buf = self._buf
        pos = self._pos
        n = len(buf)
        if pos >= n:
            return b""
        end = buf.find(b"\n", pos)
        end = n if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, self._advance(pos, size))
        self._pos = end
        return bytes(buf[pos:end])

    def getvalue(self):
        self._check()
        return self._from_bytes(bytes(self._buf))

    def read(self, size=-1):
        return self._from_bytes(self._read_bytes(size))

    def readline(self, size=-1):
        return self._from_bytes(self._line_bytes(size))

    def readinto(self, b, nbytes=-1):
        self._check()
        n = len(b)
        if 0 <= nbytes < n:
            n = nbytes
        data = bytes(self._buf[self._pos : self._pos + n])
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)


class StringIO(_MemoryIO):
    @staticmethod
    def _to_bytes(data):
        if isinstance(data, str):
            return data.encode()
        return bytes(data)

    @staticmethod
    def _from_bytes(b):
        return b.decode()

    def _advance(self, pos, n):
        """The byte position n characters after pos."""
        buf = self._buf
        end = len(buf)
        while n > 0 and pos < end:
            pos += 1
            while pos < end and buf[pos] & 0xC0 == 0x80:
                pos += 1
            n -= 1
        return pos


class BytesIO(_MemoryIO):
    @staticmethod
    def _to_bytes(data):
        if isinstance(data, str):
            return data.encode()
        if isinstance(data, (bytes, bytearray)):
            return data
        return bytes(data)

    @staticmethod
    def _from_bytes(b):
        return b

    def _advance(self, pos, n):
        return min(pos + n, len(self._buf))


class BufferedWriter(IOBase):
    """Collects writes to `stream` in a buffer of `size` bytes; a full buffer is written
    out, and flush() writes out the rest."""

    def __init__(self, stream, size):
        if size < 1:
            raise ValueError("buffer size must be positive")
        self._stream = stream
        self._size = size
        self._buf = bytearray()

    def write(self, data):
        data = bytes(data)
        i = 0
        n = len(data)
        while i < n:
            room = self._size - len(self._buf)
            chunk = data[i : i + room]
            self._buf.extend(chunk)
            i += len(chunk)
            if len(self._buf) == self._size:
                self._out()
        return n

    def _out(self):
        while self._buf:
            n = self._stream.write(bytearray(self._buf))
            if n is None:
                raise OSError(_EAGAIN)
            self._buf = self._buf[n:]

    def flush(self):
        self._out()
        f = getattr(self._stream, "flush", None)
        if f is not None:
            f()
