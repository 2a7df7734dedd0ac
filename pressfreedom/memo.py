"""Figures built once for the same inputs: a fingerprint of a chart's build, and a small cache.

A chart on a page is a *build*: a function ``theme -> figure`` that calls a ``pressfreedom.charts``
builder with data it closes over (``figures.KeyFigure.build``, ``webapp.app.builder``). The
builders are pure (tidy DataFrame in, figure out; no clock, no files but the catalogues, no
randomness — a build that broke this would be reused wrongly), so the same build with the same data
and theme gives the same figure. Plotly's object model makes building slow (tens of milliseconds a chart),
and a presenter goes back and forth between the same pages, languages and filters: ``FigureMemo``
keeps the figures of the last builds, keyed by ``fingerprint(build, theme)``.

``fingerprint`` sees everything a build depends on, or says it can't (``None``, and the build is
then simply run): the code of the function and of what it calls by name, the values it closes
over (DataFrames by their contents), the globals it reads (modules by name, other values by
content), ``functools.partial`` arguments. A function it can't vouch for — one outside
``pressfreedom`` that might read state when called (``webapp.app.data``), an object it can't
serialise — makes the whole fingerprint ``None``. The digest is of the exact content (numbers as
their bytes, other values pickled), so two different inputs share a fingerprint only if BLAKE2b
collides; equal inputs may get different ones (then the figure is only built again).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import pickle
import threading
import types
from collections import OrderedDict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

PURE_PREFIX = "pressfreedom."  # functions of these modules are pure: named, not inspected further
# modules a build may reach through (``charts.monthly_bars``): the pure library and what it uses;
# any other module (``webapp.app``, whose ``data`` reads the session's filters) makes it unknown
PURE_MODULES = ("pressfreedom", "plotly", "pandas", "numpy", "math", "textwrap", "html", "re", "calendar",
                "datetime", "itertools", "functools", "collections", "decimal", "babel")  # fmt: skip


class Unfingerprintable(Exception):
    """Something the build depends on can't be vouched for."""


def fingerprint(*parts: Any) -> str | None:
    """A digest of ``parts`` (a build and its theme), or ``None`` when one can't be vouched for."""
    h = hashlib.blake2b(digest_size=20)
    try:
        for part in parts:
            _feed(h, part, set())
    except (Unfingerprintable, RecursionError):
        return None
    return h.hexdigest()


SCALARS = (type(None), bool, int, float, complex, str, bytes, date, datetime, time, Decimal)


def _feed(h, obj: Any, seen: set[int]) -> None:
    t = type(obj)
    h.update(f"<{t.__module__}.{t.__qualname__}>".encode())
    if isinstance(obj, SCALARS) or isinstance(obj, enum.Enum):
        h.update(repr(obj).encode())  # (repr is exact for these: floats round-trip, dates are whole)
    elif isinstance(obj, (tuple, list)):
        h.update(f"[{len(obj)}]".encode())
        for x in obj:
            _feed(h, x, seen)
    elif isinstance(obj, (set, frozenset)):
        parts = sorted(fingerprint(x) or _refuse(x) for x in obj)
        h.update(("{" + ",".join(parts) + "}").encode())
    elif isinstance(obj, dict):
        h.update(f"{{{len(obj)}}}".encode())
        for k, v in obj.items():
            _feed(h, k, seen)
            _feed(h, v, seen)
    elif isinstance(obj, (pd.DataFrame, pd.Series, pd.Index, np.ndarray)):
        _feed_array(h, obj)
    elif isinstance(obj, types.ModuleType):
        if obj.__name__.split(".")[0] not in PURE_MODULES:
            raise Unfingerprintable(obj.__name__)  # its functions may read state when called
        h.update(obj.__name__.encode())
    elif isinstance(obj, functools.partial):
        _feed(h, obj.func, seen)
        _feed(h, obj.args, seen)
        _feed(h, obj.keywords, seen)
    elif isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType)):
        _feed_function(h, obj, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for fld in dataclasses.fields(obj):
            h.update(fld.name.encode())
            _feed(h, getattr(obj, fld.name), seen)
    elif isinstance(obj, type):
        h.update(f"{obj.__module__}.{obj.__qualname__}".encode())
    else:
        try:  # (pickle writes the whole content: two different values never pickle alike)
            h.update(pickle.dumps(obj, protocol=5))
        except Exception as e:  # noqa: BLE001 - any failure means: can't vouch for it
            raise Unfingerprintable(t.__qualname__) from e


def _refuse(obj: Any) -> str:
    raise Unfingerprintable(type(obj).__qualname__)


def _feed_array(h, obj) -> None:
    """Exact content: raw bytes of numeric columns, pickled values of the others (strings, lists)."""
    if isinstance(obj, np.ndarray):
        h.update(f"{obj.dtype}{obj.shape}".encode())
        if obj.dtype.hasobject:
            _feed_pickle(h, obj)
        else:
            h.update(np.ascontiguousarray(obj).tobytes())
        return
    if isinstance(obj, pd.Index):
        obj = obj.to_series(index=pd.RangeIndex(len(obj)))
    frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
    h.update(repr([(str(c), str(d)) for c, d in frame.dtypes.items()]).encode())
    _feed_array(h, frame.index.to_numpy())
    for i in range(frame.shape[1]):
        _feed_array(h, frame.iloc[:, i].to_numpy())


def _feed_pickle(h, obj) -> None:
    try:
        h.update(pickle.dumps(obj, protocol=5))
    except Exception as e:  # noqa: BLE001
        raise Unfingerprintable(type(obj).__qualname__) from e


def _feed_function(h, fn, seen: set[int]) -> None:
    if isinstance(fn, types.MethodType):
        _feed(h, fn.__self__, seen)
        fn = fn.__func__
    module = getattr(fn, "__module__", None) or ""
    h.update(f"{module}.{getattr(fn, '__qualname__', '')}".encode())
    if isinstance(fn, types.BuiltinFunctionType):
        return
    is_closure = fn.__closure__ is not None or "<locals>" in fn.__qualname__ or fn.__name__ == "<lambda>"
    if module.startswith(PURE_PREFIX) and not is_closure:
        return  # a named function of the pure library: its name is its behaviour in this process
    if not is_closure:
        raise Unfingerprintable(f"{module}.{fn.__qualname__}")  # may read state when called
    if id(fn) in seen:
        return
    seen.add(id(fn))
    _feed_code(h, fn.__code__, fn.__globals__, seen)
    _feed(h, fn.__defaults__, seen)
    _feed(h, fn.__kwdefaults__, seen)
    for cell in fn.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell (a name assigned after the function was made)
            raise Unfingerprintable("empty cell") from None
        _feed(h, value, seen)


def _feed_code(h, code: types.CodeType, env: dict, seen: set[int]) -> None:
    h.update(code.co_code)
    h.update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _feed_code(h, const, env, seen)
        else:
            _feed(h, const, seen)
    for name in code.co_names:  # the globals it reads (attribute names are listed too: skipped)
        if name in env:
            _feed(h, env[name], seen)


class FigureMemo:
    """The figures of the last ``size`` builds, by fingerprint; shared by threads (sessions).

    A figure handed out is shared: callers must not change it (Streamlit's ``plotly_chart`` copies
    it to JSON; the pages only read it)."""

    def __init__(self, size: int = 128):
        self.size = size
        self._figures: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.uncached = 0

    def get(self, build, theme: str, make=None):
        """``make(build, theme)`` (default ``build(theme)``), or the figure it made before."""
        make = make or (lambda b, t: b(t))
        key = fingerprint(build, theme)
        if key is None:
            self.uncached += 1
            return make(build, theme)
        with self._lock:
            fig = self._figures.get(key)
            if fig is not None:
                self._figures.move_to_end(key)
                self.hits += 1
                return fig
        fig = make(build, theme)
        with self._lock:
            self.misses += 1
            self._figures[key] = fig
            while len(self._figures) > self.size:
                self._figures.popitem(last=False)
        return fig
