"""The one filter model: used by every page, the KPIs, the captions, the URL and the exports.

A ``Filters`` value maps to the URL query string (a link reproduces the view), to the SQL
``WHERE`` clause of the query layer, and to a localised caption ("23 incidents · Feb – Dec 2020
· journalists").

Dates and periods: a day- or month-precision incident belongs to the period when its date
(month) lies inside it; a year-precision incident only when its whole year lies inside the
period. Year-only incidents of a year that the period cuts are counted apart, never put in
January.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date

from pressfreedom import i18n
from pressfreedom.vocab import CATEGORY, CATEGORY_SUBCATEGORY, LANGUAGES, PERPETRATOR, VICTIM_ROLE

COUNT_MODES = ("incidents", "people")
# Time grains of the by-time charts. "auto" picks what the period needs (``Filters.time_grain``):
# months up to two years, quarters up to four, years beyond (a 12-year view is 12 bars, not 144).
GRAINS = ("auto", "month", "quarter", "year")
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}

# URL parameter names (short, stable: links are shared)
P_FROM, P_TO, P_KIND, P_SUB, P_ROLE, P_OUTLET, P_LOC, P_PERP, P_COUNT, P_LANG, P_GRAIN = (
    "from",
    "to",
    "kind",
    "sub",
    "role",
    "outlet",
    "loc",
    "perp",
    "count",
    "lang",
    "grain",
)


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def parse_month(text: object) -> date | None:
    """'2020-02' → 2020-02-01; anything else (empty, malformed, impossible, not text) → None."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        y, m = text.strip().split("-")[:2]
        return date(int(y), int(m), 1)
    except (ValueError, TypeError, OverflowError):
        return None


def clamp_month(d: date, first: date, last: date) -> date:
    """The first day of ``d``'s month, moved into the months [first, last] (both included)."""
    return min(max(month_start(d), month_start(first)), month_start(last))


def add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def months_in(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s (both included)."""
    return [add_months(month_start(first), k) for k in range(max(0, months_between(first, last)))]


def months_between(start: date, end: date) -> int:
    """Number of months in [start, end], both inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def subcategory_key(category: str, code: str) -> str:
    return f"{category}.{code}"


@dataclass(frozen=True)
class Filters:
    start: date  # first day of the first month
    end: date  # last day of the last month
    categories: tuple[str, ...] = ()  # empty = all
    subcategories: tuple[str, ...] = ()  # "category.code"
    roles: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    perpetrators: tuple[str, ...] = ()
    count: str = "incidents"  # or "people"
    lang: str = "en"
    grain: str = "auto"  # of the by-time charts: auto | month | quarter | year
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", month_start(self.start))
        object.__setattr__(self, "end", month_end(self.end))
        if self.end < self.start:
            s, e = self.end, self.start
            object.__setattr__(self, "start", month_start(s))
            object.__setattr__(self, "end", month_end(e))
        if self.count not in COUNT_MODES:
            object.__setattr__(self, "count", "incidents")
        if self.lang not in LANGUAGES:
            object.__setattr__(self, "lang", "en")
        if self.grain not in GRAINS:
            object.__setattr__(self, "grain", "auto")

    # -- derived periods ---------------------------------------------------------------
    @property
    def months(self) -> int:
        return months_between(self.start, self.end)

    @property
    def time_grain(self) -> str:
        """The grain the by-time charts use: the chosen one, or for "auto" months up to 24 months,
        quarters up to 48, years beyond."""
        if self.grain != "auto":
            return self.grain
        return "month" if self.months <= 24 else ("quarter" if self.months <= 48 else "year")

    def periods(self) -> list[date]:
        """The first day of every bar of the by-time charts (at ``time_grain``), the whole range
        with the partial first and last grains included."""
        step = GRAIN_MONTHS[self.time_grain]
        first = date(self.start.year, (self.start.month - 1) // step * step + 1, 1)
        out = []
        while first <= self.end:
            out.append(first)
            first = add_months(first, step)
        return out

    def previous(self) -> Filters:
        """The period of the same length just before this one (same other filters)."""
        start = add_months(self.start, -self.months)
        return replace(self, start=start, end=month_end(add_months(self.start, -1)))

    def clamped(self, first: date, last: date) -> Filters:
        """The period moved into the months [first, last] of the data (other filters unchanged).

        A period partly outside keeps its part inside; a period wholly after the data becomes
        the data's last month, one wholly before it the first month.
        """
        start = clamp_month(self.start, first, last)
        end = clamp_month(self.end, first, last)
        return replace(self, start=start, end=month_end(end))

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    # -- SQL ---------------------------------------------------------------------------
    def where(self, alias: str = "i", period: bool = True) -> tuple[str, list]:
        """SQL condition and parameters over incidents.parquet columns."""
        a = f"{alias}." if alias else ""
        conds: list[str] = []
        params: list = []
        if period:
            conds.append(period_condition(a))
            params += [self.start, self.end, self.end]
        more, more_params = self.where_selection(alias)
        if more != "TRUE":
            conds.append(more)
            params += more_params
        return (" AND ".join(conds) or "TRUE"), params

    def where_selection(self, alias: str = "i") -> tuple[str, list]:
        """The non-period part of the filter (kind, type, role, outlet, location, perpetrator)."""
        a = f"{alias}." if alias else ""
        conds: list[str] = []
        params: list = []
        for column, values in (
            ("category", self.categories),
            ("victim_role", self.roles),
            ("outlet", self.outlets),
            ("location", self.locations),
            ("perpetrator", self.perpetrators),
        ):
            if values:
                conds.append(f"{a}{column} IN ({', '.join('?' for _ in values)})")
                params += list(values)
        if self.subcategories:
            conds.append(f"({a}category || '.' || {a}subcategory) IN ({', '.join('?' for _ in self.subcategories)})")
            params += list(self.subcategories)
        return (" AND ".join(conds) or "TRUE"), params

    def period_sql(self, alias: str = "i") -> str:
        """The period condition with the dates written in (no parameters): for one-scan queries."""
        a = f"{alias}." if alias else ""
        return period_condition(a, sql_date(self.start), sql_date(self.end))

    def year_only_apart_sql(self, alias: str = "i") -> str:
        """Year-precision incidents whose year overlaps the period but is not inside it."""
        a = f"{alias}." if alias else ""
        s, e = sql_date(self.start), sql_date(self.end)
        return (
            f"({a}date_precision = 'year' AND {a}date <= {e} AND make_date(year({a}date), 12, 31) >= {s} "
            f"AND NOT ({a}date >= {s} AND make_date(year({a}date), 12, 31) <= {e}))"
        )

    def where_year_only_apart(self, alias: str = "i") -> tuple[str, list]:
        """Year-precision incidents whose year overlaps the period but is not inside it."""
        base, params = self.where_selection(alias)
        return f"{self.year_only_apart_sql(alias)} AND {base}", params

    # -- URL ---------------------------------------------------------------------------
    def to_params(self, defaults: Filters | None = None) -> dict[str, str]:
        """Query-string parameters (only those differing from the defaults, when given)."""
        p = {
            P_FROM: f"{self.start:%Y-%m}",
            P_TO: f"{self.end:%Y-%m}",
            P_KIND: ",".join(self.categories),
            P_SUB: ",".join(self.subcategories),
            P_ROLE: ",".join(self.roles),
            P_OUTLET: "|".join(self.outlets),
            P_LOC: "|".join(self.locations),
            P_PERP: ",".join(self.perpetrators),
            P_COUNT: self.count,
            P_LANG: self.lang,
            P_GRAIN: "" if self.grain == "auto" else self.grain,
        }
        if defaults is not None:
            d = defaults.to_params()
            p = {k: v for k, v in p.items() if v != d.get(k)}
        return {k: v for k, v in p.items() if v}

    @classmethod
    def from_params(cls, params: dict, defaults: Filters, span: tuple[date, date] | None = None) -> Filters:
        """Read the query string; unknown codes and malformed values are dropped, not fatal.

        Period: a malformed or missing bound is the default's, unless that would put it on the
        wrong side of the other, given bound; then it is the edge of the data (``span``: first
        and last date of the data), or the given bound's month without a span. A reversed
        period is swapped. With ``span`` the result lies inside the data's months, so
        ``?from=2030-01`` shows the data's last month, never an empty or impossible period.
        """

        def codes(key: str, allowed: tuple[str, ...], sep: str = ",") -> tuple[str, ...]:
            raw = params.get(key)
            if raw is None:
                return getattr(defaults, _FIELD_OF[key])
            return tuple(v for v in str(raw).split(sep) if v in allowed)

        def texts(key: str) -> tuple[str, ...]:
            raw = params.get(key)
            if raw is None:
                return getattr(defaults, _FIELD_OF[key])
            return tuple(v for v in str(raw).split("|") if v.strip())

        subs = tuple(subcategory_key(c, code) for c, (_, vocab) in CATEGORY_SUBCATEGORY.items() for code in vocab.codes)
        start, end = parse_month(params.get(P_FROM)), parse_month(params.get(P_TO))
        if start is None and end is None:
            start, end = defaults.start, defaults.end
        elif start is None:
            start = defaults.start if defaults.start <= end else (span[0] if span else end)
        elif end is None:
            end = defaults.end if month_end(defaults.end) >= start else (span[1] if span else start)
        f = cls(
            start=start,
            end=end,
            categories=codes(P_KIND, CATEGORY.codes),
            subcategories=codes(P_SUB, subs),
            roles=codes(P_ROLE, VICTIM_ROLE.codes),
            outlets=texts(P_OUTLET),
            locations=texts(P_LOC),
            perpetrators=codes(P_PERP, PERPETRATOR.codes),
            count=params.get(P_COUNT) or defaults.count,
            lang=params.get(P_LANG) or defaults.lang,
            grain=params.get(P_GRAIN) or defaults.grain,
        )
        return f.clamped(*span) if span else f

    # -- words -------------------------------------------------------------------------
    def caption(self, n: int, lang: str | None = None, unit: str | None = None) -> str:
        """'23 incidents · Feb – Dec 2020 · journalists' — what a chart or table shows."""
        lang = lang or self.lang
        unit = unit or self.count
        parts = [
            i18n.t(f"caption.n_{unit}", lang, count=n),
            i18n.period_label(self.start, self.end, lang),
        ]
        parts += self.describe_selection(lang)
        return " · ".join(parts)

    def describe_selection(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        out: list[str] = []
        if self.categories:
            out.append(", ".join(i18n.in_sentence(CATEGORY.label(c, lang), lang) for c in self.categories))
        if self.subcategories:
            labels = []
            for key in self.subcategories:
                cat, code = key.split(".", 1)
                labels.append(i18n.in_sentence(CATEGORY_SUBCATEGORY[cat][1].label(code, lang), lang))
            out.append(", ".join(labels))
        if self.roles:
            out.append(", ".join(i18n.in_sentence(VICTIM_ROLE.label(r, lang), lang) for r in self.roles))
        if self.perpetrators:
            out.append(
                i18n.t("caption.by", lang)
                + " "
                + ", ".join(i18n.in_sentence(PERPETRATOR.label(p, lang), lang) for p in self.perpetrators)
            )
        if self.outlets:
            out.append(", ".join(self.outlets))
        if self.locations:
            out.append(", ".join(self.locations))
        return out

    def describe(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The filter as (label, value) lines, for the "About" sheet of a download."""
        lang = lang or self.lang
        every = i18n.t("sidebar.all", lang)

        def joined(values, label) -> str:
            return ", ".join(label(v) for v in values) if values else every

        def sub_label(key: str) -> str:
            cat, code = key.split(".", 1)
            return CATEGORY_SUBCATEGORY[cat][1].label(code, lang)

        return [
            (i18n.t("sidebar.period", lang), i18n.period_label(self.start, self.end, lang)),
            (i18n.t("sidebar.kind", lang), joined(self.categories, lambda c: CATEGORY.label(c, lang))),
            (i18n.t("sidebar.subcategory", lang), joined(self.subcategories, sub_label)),
            (i18n.t("sidebar.role", lang), joined(self.roles, lambda c: VICTIM_ROLE.label(c, lang))),
            (i18n.t("sidebar.perpetrator", lang), joined(self.perpetrators, lambda c: PERPETRATOR.label(c, lang))),
            (i18n.t("sidebar.outlet", lang), joined(self.outlets, str)),
            (i18n.t("sidebar.location", lang), joined(self.locations, str)),
        ]

    def in_words(self, lang: str | None = None) -> str:
        """One line: "Period: Jan – Dec 2020; Kind of incident: Detentions; …" (only what is set)."""
        lang = lang or self.lang
        lines = self.describe(lang)
        every = i18n.t("sidebar.all", lang)
        parts = [f"{k}: {v}" for n, (k, v) in enumerate(lines) if n == 0 or v != every]
        if self.is_whole_dataset():
            parts.append(i18n.t("download.no_other_filter", lang))
        return "; ".join(parts)

    def is_whole_dataset(self) -> bool:
        return not (
            self.categories or self.subcategories or self.roles or self.outlets or self.locations or self.perpetrators
        )

    def slug(self) -> str:
        """A file-name-safe summary of the filter (for download names)."""
        parts = [f"{self.start:%Y-%m}_{self.end:%Y-%m}"]
        for values in (self.categories, self.subcategories, self.roles, self.perpetrators):
            if values:
                parts.append("+".join(v.split(".")[-1] for v in values))
        if self.outlets or self.locations:
            parts.append("filtered")
        return "_".join(parts)[:120]


_FIELD_OF = {
    P_KIND: "categories",
    P_SUB: "subcategories",
    P_ROLE: "roles",
    P_OUTLET: "outlets",
    P_LOC: "locations",
    P_PERP: "perpetrators",
}


def sql_date(d: date) -> str:
    """A date literal for SQL (from a ``date`` value only, never from user text)."""
    return f"DATE '{date(d.year, d.month, d.day).isoformat()}'"


def precise_end(a: str = "") -> str:
    """SQL: the last day the incident's date can mean (its day, the month's last day, 31 December)."""
    return (
        f"(CASE {a}date_precision WHEN 'year' THEN make_date(year({a}date), 12, 31) "
        f"WHEN 'month' THEN last_day({a}date) ELSE {a}date END)"
    )


def period_condition(a: str = "", start: str = "?", end: str = "?") -> str:
    """SQL: the incident lies inside [start, end] as precisely as its date is known.

    A day-precision date lies in the period; a month-precision one when its whole month does; a
    year-precision one when its whole year does (so it is never put in January). ``start`` and
    ``end`` are SQL expressions (placeholders by default: start, end, end).
    """
    return f"({a}date >= {start} AND {a}date <= {end} AND {precise_end(a)} <= {end})"
