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
import logging
import pickle
import sys
import threading
import time as time_
import types
from collections import OrderedDict
from concurrent.futures import Future
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


SAMPLE = 256  # cells sampled from a column (or items from a list) of Python objects
SAMPLE_NESTED = 32  # items sampled from a list inside such a cell (a published figure's 5,000 ids)


def approx_bytes(value: Any, sample: int = SAMPLE) -> int:
    """About how much memory ``value`` holds (a query-layer answer: frames, lists, dicts, scalars).

    Exact for numeric and Arrow-backed columns; a column of Python objects (lists of ids, dates)
    is estimated from up to ``sample`` evenly spaced cells, and a list inside a cell from up to
    ``SAMPLE_NESTED`` of its items, so that sizing a 100,000-row frame costs milliseconds, not the
    0.1 s ``memory_usage(deep=True)`` takes."""
    if isinstance(value, pd.DataFrame):
        total = int(value.index.memory_usage(deep=False))
        for i in range(value.shape[1]):
            total += _column_bytes(value.iloc[:, i], sample)
        return total
    if isinstance(value, pd.Series):
        return int(value.index.memory_usage(deep=False)) + _column_bytes(value, sample)
    if isinstance(value, np.ndarray):
        return int(value.nbytes) if not value.dtype.hasobject else _objects_bytes(value, sample)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = value if isinstance(value, (list, tuple)) else list(value)
        return sys.getsizeof(value) + _sampled(items, _nested, sample)
    if isinstance(value, dict):
        pairs = list(value.items())
        return sys.getsizeof(value) + _sampled(pairs, lambda kv: _nested(kv[0]) + _nested(kv[1]), sample)
    return sys.getsizeof(value)


def _nested(value: Any) -> int:
    return approx_bytes(value, SAMPLE_NESTED)


def _column_bytes(col: pd.Series, sample: int) -> int:
    if col.dtype == object:
        return _objects_bytes(col.to_numpy(), sample)
    return int(col.memory_usage(index=False, deep=True))


def _objects_bytes(cells: np.ndarray, sample: int) -> int:
    return int(cells.nbytes) + _sampled(cells.ravel(), _nested, sample)


def _sampled(items, size, sample: int) -> int:
    """The summed ``size`` of ``items``, from at most ``sample`` evenly spaced of them."""
    n = len(items)
    if n <= sample:
        return sum(size(x) for x in items)
    picks = np.linspace(0, n - 1, sample).astype(int)
    return int(sum(size(items[i]) for i in picks) * n / sample)


ANSWER_CACHE_MB = 256  # the default budget of the query layer's answers (docs/deploy.md)
LOG = logging.getLogger("pressfreedom.memo")  # (no handler of its own: warnings reach standard error)


def answer_budget(setting: str | None) -> int:
    """Bytes for ``AnswerCache`` from a host's setting in MB (``PFD_ANSWER_CACHE_MB``); the default
    when it is unset, and no less than nothing. A setting that is not a whole number is a host's
    mistake: the default is used and a warning says so, rather than the typo going unnoticed."""
    if setting is None or not setting.strip():
        return ANSWER_CACHE_MB << 20
    try:
        mb = int(setting)
    except ValueError:
        LOG.warning(
            "PFD_ANSWER_CACHE_MB=%r is not a whole number of megabytes: using the default, %d MB",
            setting,
            ANSWER_CACHE_MB,
        )
        mb = ANSWER_CACHE_MB
    return max(0, mb) << 20


class AnswerCache:
    """The query layer's answers by key, shared by threads (sessions), within a memory budget.

    At most ``max_entries`` answers and ``budget`` bytes (``approx_bytes``), least recently used
    first out; an answer larger than the whole budget is handed out but not kept. At 100,000
    incidents one ten-year incident list holds ~115 MB (~370 MB of process memory with its Python
    objects), so a count alone would let a server's memory grow with every period anyone picks.
    Answers handed out are shared: callers must not change them.

    One key is made by one caller at a time: sessions asking for the same answer while it is being
    made wait for it (as ``st.cache_resource`` did) instead of running the same query side by side.
    The first time answers are dropped for room, and then at most every ``warn_every`` seconds while
    they are, a warning with ``stats()`` tells the host (docs/deploy.md)."""

    def __init__(self, budget: int, max_entries: int = 1024, warn_every: float = 600.0):
        self.budget, self.max_entries, self.warn_every = budget, max_entries, warn_every
        self._answers: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._making: dict[Any, Future] = {}
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = self.evicted = self.too_large = 0
        self._warned_at: float | None = None

    def get(self, key, make):
        """``make()``, or the answer it gave for ``key`` before (``key=None``: never kept). If
        another thread is making ``key``, its answer (or its exception) once it is made."""
        if key is None:
            return make()
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                self.hits += 1
                return found[0]
            making = self._making.get(key)
            if making is None:
                making = self._making[key] = Future()
                mine = True
            else:
                self.hits += 1  # (answered without asking the query layer)
                mine = False
        if not mine:
            return making.result()
        try:
            value = make()
            size = approx_bytes(value)
        except BaseException as error:
            with self._lock:
                del self._making[key]
            making.set_exception(error)
            raise
        with self._lock:
            del self._making[key]
            self.misses += 1
            dropped = size > self.budget  # (an answer not kept is worth a warning too)
            if dropped:
                self.too_large += 1
            else:
                self._answers[key] = (value, size)
                self.bytes += size
            while self._answers and (self.bytes > self.budget or len(self._answers) > self.max_entries):
                self.bytes -= self._answers.popitem(last=False)[1][1]
                self.evicted += 1
                dropped = True
            full = dropped and self.budget > 0 and self._due()  # (0: the host keeps none, knowingly)
            stats = self.stats() if full else None
        making.set_result(value)
        if full:
            LOG.warning(
                "query answers are being dropped to stay within PFD_ANSWER_CACHE_MB (%(budget_mb)s MB): "
                "%(kept)s kept (%(kept_mb)s MB), %(hits)s hits, %(misses)s misses, %(evicted)s dropped, "
                "%(too_large)s too large to keep. Raise the budget if the machine has memory to spare "
                "(docs/deploy.md).",
                stats,
            )
        return value

    def _due(self) -> bool:
        """Whether a warning about dropped answers is due (the first, then one per ``warn_every``)."""
        now = time_.monotonic()
        if self._warned_at is not None and now - self._warned_at < self.warn_every:
            return False
        self._warned_at = now
        return True

    def stats(self) -> dict[str, int | float]:
        """What the cache holds and has done, for hosts' logs and for tests."""
        return {
            "budget_mb": round(self.budget / 2**20, 1),
            "kept": len(self._answers),
            "kept_mb": round(self.bytes / 2**20, 1),
            "hits": self.hits,
            "misses": self.misses,
            "evicted": self.evicted,
            "too_large": self.too_large,
        }

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self.bytes = 0
