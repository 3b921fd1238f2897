# collections: namedtuple, deque, OrderedDict, defaultdict (MicroPython's API).
#
# Where the VM lets Python classes derive from the built-in tuple and dict, namedtuple,
# OrderedDict and defaultdict are real subclasses of them (probed once, below). Otherwise
# they are plain classes that keep a tuple or dict inside and behave like one.

__all__ = ["namedtuple", "deque", "OrderedDict", "defaultdict"]


def _probe_tuple():
    try:

        class _T(tuple):
            def __new__(cls, *args):
                return tuple.__new__(cls, list(args))

        t = _T(1, 2)
        return type(t) is _T and isinstance(t, tuple) and t == (1, 2) and t[1] == 2
    except Exception:
        return False


def _probe_dict():
    try:

        class _D(dict):
            def __init__(self, extra, *args, **kw):
                dict.__init__(self, *args, **kw)
                self.extra = extra
                self.inside = False

            def __getitem__(self, key):
                # dict.__getitem__ must reach the built-in method, not come back here.
                if self.inside:
                    raise RuntimeError
                self.inside = True
                try:
                    return dict.__getitem__(self, key) + 1
                finally:
                    self.inside = False

        d = _D(0, [(1, 2)])
        return (
            type(d) is _D
            and isinstance(d, dict)
            and d.extra == 0
            and d[1] == 3
            and list(d.items()) == [(1, 2)]
        )
    except Exception:
        return False


_TUPLE_SUBCLASS = _probe_tuple()
_DICT_SUBCLASS = _probe_dict()


# ---- namedtuple ----

_MISSING = object()


def _bind(cls, args, kw):
    """The field values of `cls(*args, **kw)`, as a list."""
    fields = cls._fields
    n = len(fields)
    if len(args) + len(kw) != n:
        raise TypeError(
            "%s() takes %d positional arguments but %d were given"
            % (cls._name, n, len(args) + len(kw))
        )
    values = list(args)
    while len(values) < n:
        values.append(_MISSING)
    for name in kw:
        i = 0
        while i < n and fields[i] != name:
            i += 1
        if i == n:
            raise TypeError("unexpected keyword argument '%s'" % name)
        if values[i] is not _MISSING:
            raise TypeError("function got multiple values for argument '%s'" % name)
        values[i] = kw[name]
    for i in range(n):
        if values[i] is _MISSING:
            raise TypeError("function missing required argument '%s'" % fields[i])
    return values


def _nt_repr(self):
    parts = []
    i = 0
    for name in self._fields:
        parts.append("%s=%r" % (name, self[i]))
        i += 1
    # (A subclass prints as the namedtuple it derives from, as on MicroPython.)
    return "%s(%s)" % (self._name, ", ".join(parts))


def _nt_asdict(self):
    d = {}
    i = 0
    for name in self._fields:
        d[name] = self[i]
        i += 1
    return d


def _nt_replace(self, **kw):
    values = []
    i = 0
    for name in self._fields:
        if name in kw:
            values.append(kw.pop(name))
        else:
            values.append(self[i])
        i += 1
    if kw:
        raise ValueError("got unexpected field names: %r" % list(kw))
    return type(self)(*values)


def _nt_make(cls, iterable):
    return cls(*iterable)


def _as_tuple(other):
    """`other` as a plain tuple, or None if it is neither a tuple nor a namedtuple."""
    if isinstance(other, tuple):
        return other
    if isinstance(other, _NamedTupleObject):
        return other._tuple
    return None


if _TUPLE_SUBCLASS:

    class _NamedTupleBase(tuple):
        __slots__ = ()
        _fields = ()

        def __new__(cls, *args, **kw):
            return tuple.__new__(cls, _bind(cls, args, kw))

        __repr__ = _nt_repr
        __str__ = _nt_repr
        _asdict = _nt_asdict
        _replace = _nt_replace
        _make = classmethod(_nt_make)

    class _NamedTupleObject:
        pass

else:

    class _NamedTupleObject:
        """A namedtuple without `tuple` as base class: the values are kept in a tuple."""

        _fields = ()

        def __init__(self, *args, **kw):
            self._tuple = tuple(_bind(type(self), args, kw))

        def __getitem__(self, index):
            return self._tuple[index]

        def __len__(self):
            return len(self._tuple)

        def __iter__(self):
            return iter(self._tuple)

        def __contains__(self, value):
            return value in self._tuple

        def __hash__(self):
            return hash(self._tuple)

        def __eq__(self, other):
            other = _as_tuple(other)
            if other is None:
                return False
            return self._tuple == other

        def __ne__(self, other):
            return not self.__eq__(other)

        def __lt__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return self._tuple < other

        def __le__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return self._tuple <= other

        def __gt__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return self._tuple > other

        def __ge__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return self._tuple >= other

        def __add__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return self._tuple + other

        def __radd__(self, other):
            other = _as_tuple(other)
            if other is None:
                return NotImplemented
            return other + self._tuple

        def __mul__(self, n):
            return self._tuple * n

        __rmul__ = __mul__

        def count(self, value):
            return self._tuple.count(value)

        def index(self, value, *args):
            return self._tuple.index(value, *args)

        __repr__ = _nt_repr
        __str__ = _nt_repr
        _asdict = _nt_asdict
        _replace = _nt_replace
        _make = classmethod(_nt_make)

    _NamedTupleBase = _NamedTupleObject


def _field_getter(i):
    return property(lambda self: self[i])


def namedtuple(name, fields):
    if isinstance(fields, str):
        fields = fields.replace(",", " ").split()
    fields = tuple(fields)
    for f in fields:
        if not isinstance(f, str):
            raise TypeError("field names must be strings")
    ns = {"_fields": fields, "_name": name}
    if _TUPLE_SUBCLASS:
        ns["__slots__"] = ()
    i = 0
    for f in fields:
        ns[f] = _field_getter(i)
        i += 1
    return type(name, (_NamedTupleBase,), ns)


# ---- deque ----


class deque:
    """A bounded double-ended queue: `deque(iterable, maxlen[, flags])`.

    A ring buffer of `maxlen` slots. When full, adding at one end drops an item from the
    other end; with `flags` bit 0 set it raises IndexError instead."""

    def __init__(self, *args):
        # Checked as MicroPython's built-in deque checks its arguments.
        if len(args) < 2:
            raise TypeError("function missing %d required positional arguments" % (2 - len(args)))
        if len(args) > 3:
            raise TypeError("function expected at most 3 arguments, got %d" % len(args))
        iterable, maxlen = args[0], args[1]
        flags = args[2] if len(args) > 2 else 0
        if not isinstance(maxlen, int):
            raise TypeError("can't convert %s to int" % type(maxlen).__name__)
        if maxlen < 0:
            raise ValueError
        self._buf = [None] * maxlen
        self._head = 0
        self._len = 0
        self._max = maxlen
        self._check = flags & 1
        self.extend(iterable)

    def _full(self):
        if self._check:
            raise IndexError("full")

    def append(self, x):
        m = self._max
        if self._len == m:
            self._full()
            if m == 0:
                return
            # Overwrite the oldest item, which moves the head on.
            self._buf[self._head] = x
            self._head = (self._head + 1) % m
            return
        self._buf[(self._head + self._len) % m] = x
        self._len += 1

    def appendleft(self, x):
        m = self._max
        if self._len == m:
            self._full()
            if m == 0:
                return
            # Overwrite the newest item, which becomes the new head.
            self._head = (self._head - 1) % m
            self._buf[self._head] = x
            return
        self._head = (self._head - 1) % m
        self._buf[self._head] = x
        self._len += 1

    def extend(self, iterable):
        for x in iterable:
            self.append(x)

    def pop(self):
        if not self._len:
            raise IndexError("empty")
        self._len -= 1
        i = (self._head + self._len) % self._max
        x = self._buf[i]
        self._buf[i] = None
        return x

    def popleft(self):
        if not self._len:
            raise IndexError("empty")
        x = self._buf[self._head]
        self._buf[self._head] = None
        self._head = (self._head + 1) % self._max
        self._len -= 1
        return x

    def _slot(self, index):
        if not isinstance(index, int):
            raise TypeError(
                "deque indices must be integers, not %s" % type(index).__name__
            )
        n = self._len
        if index < 0:
            index += n
        if index < 0 or index >= n:
            raise IndexError("deque index out of range")
        return (self._head + index) % self._max

    def __getitem__(self, index):
        return self._buf[self._slot(index)]

    def __setitem__(self, index, value):
        self._buf[self._slot(index)] = value

    def __delitem__(self, index):
        raise TypeError("'deque' object doesn't support item deletion")

    def __len__(self):
        return self._len

    def __bool__(self):
        return self._len > 0

    def __iter__(self):
        buf = self._buf
        m = self._max
        i = self._head
        for _ in range(self._len):
            yield buf[i]
            i += 1
            if i == m:
                i = 0

    def __repr__(self):
        return "<deque>"


# ---- OrderedDict, defaultdict ----

if _DICT_SUBCLASS:
    _DictBase = dict
else:

    class _DictBase:
        """The methods of dict over a dict kept inside (`_dict`)."""

        def __init__(self, *args, **kw):
            self._dict = {}
            self._dict.update(*args, **kw)

        def __getitem__(self, key):
            return self._dict[key]

        def __setitem__(self, key, value):
            self._dict[key] = value

        def __delitem__(self, key):
            del self._dict[key]

        def __contains__(self, key):
            return key in self._dict

        def __len__(self):
            return len(self._dict)

        def __iter__(self):
            return iter(self._dict)

        def __eq__(self, other):
            if isinstance(other, _DictBase):
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

        def pop(self, key, *default):
            return self._dict.pop(key, *default)

        def popitem(self):
            return self._dict.popitem()

        def setdefault(self, key, default=None):
            return self._dict.setdefault(key, default)

        def update(self, *args, **kw):
            self._dict.update(*args, **kw)

        def clear(self):
            self._dict.clear()

        def copy(self):
            c = type(self)()
            c._dict = self._dict.copy()
            return c

        @classmethod
        def fromkeys(cls, keys, value=None):
            d = cls()
            for k in keys:
                d[k] = value
            return d


class OrderedDict(_DictBase):
    """A dict that keeps its keys in insertion order (as every dict does here); equality
    between two OrderedDicts also compares the order."""

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, dict(self))

    def __eq__(self, other):
        # (Only another OrderedDict can be equal, as on MicroPython.)
        if isinstance(other, OrderedDict):
            return list(self.items()) == list(other.items())
        return False

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None

    def popitem(self, last=True):
        if not self:
            raise KeyError("popitem(): dictionary is empty")
        if last:
            return super().popitem()
        key = next(iter(self))
        return (key, self.pop(key))

    def move_to_end(self, key, last=True):
        value = self.pop(key)
        if last:
            self[key] = value
        else:
            rest = list(self.items())
            self.clear()
            self[key] = value
            for k, v in rest:
                self[k] = v

    def copy(self):
        return type(self)(self)


class defaultdict(_DictBase):
    """A dict that makes a missing key's value with `default_factory()`."""

    def __init__(self, default_factory=None, *args, **kw):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable or None")
        _DictBase.__init__(self, *args, **kw)
        self.default_factory = default_factory

    def __getitem__(self, key):
        try:
            return _DictBase.__getitem__(self, key)
        except KeyError:
            return self.__missing__(key)

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self[key] = value
        return value

    def __repr__(self):
        return "defaultdict(%r, %r)" % (self.default_factory, dict(self))

    def copy(self):
        return type(self)(self.default_factory, self)
