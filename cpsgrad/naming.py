"""Deterministic names for emitted code: counters and source lines, never random ids."""

import keyword


class Namer:
    """Hands out fresh names that do not clash with ``taken`` nor with each other."""

    def __init__(self, taken=()):
        self.taken = set(taken)

    def reserve(self, name):
        self.taken.add(name)
        return name

    def fresh(self, base):
        """``base`` itself if free, else ``base1``, ``base2``, ..."""
        base = base if base.isidentifier() and not keyword.iskeyword(base) else f"v_{base}"
        if base not in self.taken:
            return self.reserve(base)
        stem = base.rstrip("0123456789") or base
        if stem.endswith("_"):  # loop_14 -> loop_14_2
            stem, i = f"{base}_", 2
        else:
            i = 1
        while f"{stem}{i}" in self.taken:
            i += 1
        return self.reserve(f"{stem}{i}")


class Versions(Namer):
    """Names for the successive values of a variable: ``h``, then ``h1``, ``h2``, ..."""

    def __init__(self, taken=()):
        super().__init__(taken)
        self.used = set()

    def version(self, source):
        if source.endswith(BAR):  # a user's own `x_bar` must not be taken for x's adjoint
            source += "_"
        if source not in self.used:
            self.used.add(source)
            return self.reserve(source)
        return self.fresh(source)


BAR = "_bar"


def bar(name):
    """The adjoint variable's name for primal ``name`` (no primal name ends with ``_bar``)."""
    return f"{name}{BAR}"


class Namespace:
    """The global names of an emitted module: each object gets one readable name.

    ``bind("np", numpy)`` returns ``"np"``; binding a different object to a taken
    name returns a fresh one (``np1``), so functions from different modules can share
    one emitted module without clashes. Never touches the user's globals.
    """

    def __init__(self):
        self.objects = {}
        self._by_id = {}

    def bind(self, preferred, obj):
        key = (preferred, id(obj))
        if key in self._by_id:
            return self._by_id[key]
        name = preferred
        i = 0
        while name in self.objects and self.objects[name] is not obj:
            i += 1
            name = f"{preferred}{i}"
        self.objects[name] = obj
        self._by_id[key] = name
        return name
