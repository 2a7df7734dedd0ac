"""Translations: one catalogue per language in ``i18n/<lang>.toml``, plus Babel for dates/numbers.

Catalogue tables are flattened to dotted keys (``[kpi] incidents = "…"`` → ``kpi.incidents``).
Each catalogue lists in ``meta.needs_review`` the keys whose translation still awaits a native
speaker's review (shown on the methodology page). Vocabulary labels live with the codes in
``pfd.vocab``. Person and outlet names are never translated.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache

from babel.dates import format_date, format_interval
from babel.numbers import format_decimal

from pfd.paths import I18N_DIR
from pfd.vocab import LANGUAGES

DEFAULT_LANG = "en"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, str):
            out[key] = v
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    raw = tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    raw.pop("meta", None)
    return _flatten(raw)


@cache
def needs_review(lang: str) -> tuple[str, ...]:
    raw = tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    return tuple(raw.get("meta", {}).get("needs_review", ()))


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to English, then to the key itself)."""
    text = catalogue(norm_lang(lang)).get(key) or catalogue(DEFAULT_LANG).get(key) or key
    return text.format(**fmt) if fmt else text


def month_label(d: date, lang: str = DEFAULT_LANG, long: bool = False) -> str:
    """Stand-alone month name + year ("February 2020", "Февраль 2020", "Fevral 2020")."""
    text = format_date(d, "LLLL y" if long else "LLL y", locale=norm_lang(lang))
    return text[:1].upper() + text[1:]


def day_label(d: date, lang: str = DEFAULT_LANG) -> str:
    return format_date(d, "d MMMM y", locale=norm_lang(lang))


def date_with_precision(d: date | None, precision: str | None, lang: str = DEFAULT_LANG) -> str:
    """A date as precise as the source: "9 February 2020", "February 2020", "2020"."""
    if d is None:
        return t("common.unknown_date", lang)
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return month_label(d, lang, long=True)
    return day_label(d, lang)


def period_label(start: date, end: date, lang: str = DEFAULT_LANG) -> str:
    """A month range: "Feb – Dec 2020"; one month: "Feb 2020"."""
    lang = norm_lang(lang)
    if (start.year, start.month) == (end.year, end.month):
        return month_label(start, lang)
    text = format_interval(start, end, "yMMM", locale=lang)
    return text[:1].upper() + text[1:]


def number(n: float | int, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(n, format=fmt, locale=norm_lang(lang))
