# errno: the error numbers MicroPython defines, and `errorcode` (number -> name).

EPERM = 1
ENOENT = 2
EIO = 5
EBADF = 9
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EEXIST = 17
ENODEV = 19
EISDIR = 21
EINVAL = 22
ENOSPC = 28
ENOTSUP = 95
EOPNOTSUPP = 95
EADDRINUSE = 98
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
ENOTCONN = 107
ETIMEDOUT = 110
ECONNREFUSED = 111
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115


__all__ = [
    "EPERM", "ENOENT", "EIO", "EBADF", "EAGAIN", "ENOMEM", "EACCES", "EEXIST", "ENODEV",
    "EISDIR", "EINVAL", "ENOSPC", "ENOTSUP", "EOPNOTSUPP", "EADDRINUSE", "ECONNABORTED",
    "ECONNRESET", "ENOBUFS", "ENOTCONN", "ETIMEDOUT", "ECONNREFUSED", "EHOSTUNREACH",
    "EALREADY", "EINPROGRESS", "errorcode",
]


class _FixedDict:
    """A read-only dict, like MicroPython's dicts in ROM: reading works, changing raises
    TypeError."""

    def __init__(self, items):
        self._dict = dict(items)

    def __getitem__(self, key):
        return self._dict[key]

    def __contains__(self, key):
        return key in self._dict

    def __len__(self):
        return len(self._dict)

    def __iter__(self):
        return iter(self._dict)

    def __eq__(self, other):
        if isinstance(other, _FixedDict):
            other = other._dict
        return self._dict == other

    def __ne__(self, other):
        return not self.__eq__(other)

    def __repr__(self):
        return repr(self._dict)

    def keys(self):
        return self._dict.keys()

    def values(self):
        return self._dict.values()

    def items(self):
        return self._dict.items()

    def get(self, key, default=None):
        return self._dict.get(key, default)

    def copy(self):
        return self._dict.copy()

    def _fixed(self, *args, **kw):
        raise TypeError("'dict' object doesn't support item assignment")

    __setitem__ = __delitem__ = _fixed
    pop = popitem = setdefault = update = clear = _fixed


errorcode = _FixedDict(
    (value, name)
    for name, value in (
        ("EPERM", EPERM),
        ("ENOENT", ENOENT),
        ("EIO", EIO),
        ("EBADF", EBADF),
        ("EAGAIN", EAGAIN),
        ("ENOMEM", ENOMEM),
        ("EACCES", EACCES),
        ("EEXIST", EEXIST),
        ("ENODEV", ENODEV),
        ("EISDIR", EISDIR),
        ("EINVAL", EINVAL),
        ("ENOSPC", ENOSPC),
        ("ENOSPC", ENOSPC),
        ("EOPNOTSUPP", EOPNOTSUPP),
        ("EADDRINUSE", EADDRINUSE),
        ("ECONNABORTED", ECONNABORTED),
        ("ECONNRESET", ECONNRESET),
        ("ENOBUFS", ENOBUFS),
        ("ENOTCONN", ENOTCONN),
        ("ETIMEDOUT", ETIMEDOUT),
        ("ECONNREFUSED", ECONNREFUSED),
        ("EHOSTUNREACH", EHOSTUNREACH),
        ("EALREADY", EALREADY),
        ("EINPROGRESS", EINPROGRESS),
    )
)
