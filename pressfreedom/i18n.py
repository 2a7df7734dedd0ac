"""Translations: one catalogue per language in ``i18n/<lang>.toml``, plus Babel for dates/numbers.

Catalogue tables are flattened to dotted keys (``[kpi] incidents = "…"`` → ``kpi.incidents``).
Each catalogue lists in ``meta.needs_review`` the keys whose translation still awaits a native
speaker's review (shown on the methodology page). Vocabulary labels live with the codes in
``pressfreedom.vocab``. Person and outlet names are never translated.

Plurals: an entry shown with a count is a table of CLDR plural forms, e.g.
``n_incidents = { one = "{n} incident", other = "{n} incidents" }`` in English and
``{ one = …, few = …, many = …, other = … }`` in Russian. ``t(key, lang, count=n)`` picks the
form by Babel's plural rules for ``lang`` (``plural_category``) and fills ``{n}`` with the
localised number unless ``n`` is passed. Every language must give each form its rules need
(``plural_tags``; tests/test_i18n.py checks it). Azerbaijani nouns stay singular after a
numeral, so its forms are often the same text.
"""

from __future__ import annotations

import numbers
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_interval
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from pressfreedom.paths import I18N_DIR
from pressfreedom.vocab import LANGUAGES

DEFAULT_LANG = "en"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def is_plural_table(value: object) -> bool:
    """A TOML table whose keys are all CLDR plural categories and whose values are texts."""
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= set(PLURAL_CATEGORIES)
        and all(isinstance(v, str) for v in value.values())
    )


def _flatten(table: dict, prefix: str = "") -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(plain texts, plural entries) by dotted key."""
    texts: dict[str, str] = {}
    plurals: dict[str, dict[str, str]] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if is_plural_table(v):
            plurals[key] = dict(v)
        elif isinstance(v, dict):
            more, more_plurals = _flatten(v, key + ".")
            texts.update(more)
            plurals.update(more_plurals)
        elif isinstance(v, str):
            texts[key] = v
    return texts, plurals


@cache
def _load(lang: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    raw = tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    raw.pop("meta", None)
    return _flatten(raw)


def _generic(forms: dict[str, str]) -> str:
    """The form for a count that is not given: the plural of a large whole number."""
    return forms.get("many") or forms.get("other") or next(iter(forms.values()))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of ``lang`` with one text; a plural entry gives its generic form (see ``plurals``)."""
    texts, plurals = _load(lang)
    return {**texts, **{k: _generic(v) for k, v in plurals.items()}}


def plurals(lang: str) -> dict[str, dict[str, str]]:
    """The plural entries of ``lang``: key → {plural category: text}."""
    return _load(lang)[1]


@cache
def needs_review(lang: str) -> tuple[str, ...]:
    raw = tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    return tuple(raw.get("meta", {}).get("needs_review", ()))


def own_text(key: str, lang: str) -> str | None:
    """The text of ``key`` in ``lang``'s own catalogue, or None (no fallback to English)."""
    return _load(norm_lang(lang))[0].get(key) or None


def known(key: str) -> bool:
    """Whether the catalogues have ``key`` (English has every key)."""
    texts, forms = _load(DEFAULT_LANG)
    return key in texts or key in forms


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


@cache
def plural_tags(lang: str) -> frozenset[str]:
    """The plural forms ``lang`` needs: en/az one + other, ru one + few + many + other."""
    return frozenset(Locale.parse(norm_lang(lang)).plural_form.tags | {"other"})


def _operand(count: object) -> int | Decimal:
    """The count as Babel should see it: a float keeps its visible decimals (4.0 is not "one")."""
    if isinstance(count, bool):
        return int(count)
    if isinstance(count, numbers.Integral):
        return int(count)
    if isinstance(count, Decimal):
        return count
    if isinstance(count, numbers.Real):
        return Decimal(repr(float(count)))
    return Decimal(str(count))


def plural_category(count: float | int | Decimal, lang: str = DEFAULT_LANG) -> str:
    """CLDR plural category of ``count`` in ``lang``: 1 → one; ru 2 → few, 5 → many, 1.5 → other."""
    return Locale.parse(norm_lang(lang)).plural_form(_operand(count))


def _decimals(count: object) -> int:
    op = _operand(count)
    return max(0, -op.as_tuple().exponent) if isinstance(op, Decimal) else 0


def t(key: str, lang: str = DEFAULT_LANG, count: float | int | Decimal | None = None, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to English, then to the key itself).

    ``count`` chooses the plural form of a plural entry (and fills ``{n}`` when ``n`` is not
    given); a plural entry without a count gets its generic plural.
    """
    lang = norm_lang(lang)
    texts, forms_by_key = _load(lang)
    text_lang = lang
    if not texts.get(key) and key not in forms_by_key:
        text_lang = DEFAULT_LANG
        texts, forms_by_key = _load(DEFAULT_LANG)
    forms = forms_by_key.get(key)
    if forms is not None:
        if count is None:
            text = _generic(forms)
        else:
            category = plural_category(count, text_lang)
            text = forms.get(category) or _generic(forms)
    else:
        text = texts.get(key) or key
    if count is not None and "n" not in fmt:
        fmt["n"] = number(_operand(count), lang, _decimals(count))
    return text.format(**fmt) if fmt else text


# -- case changes ---------------------------------------------------------------------------------
# Python's str.upper/lower follow Unicode's default mapping, which is wrong for Azerbaijani (and
# Turkish): there dotted i pairs with İ and dotless ı with I. "iyun".upper() gives "IYUN" and
# "İnzibati".lower() gives "i̇nzibati" (i + a combining dot U+0307). CLDR's case mappings for these
# languages (what ICU applies) differ in just these letters, so they are declared here instead of
# pulling in ICU; every case change of localised text goes through upper/lower below.
_UPPER_SPECIAL = {"az": str.maketrans({"i": "İ"}), "tr": str.maketrans({"i": "İ"})}
_LOWER_SPECIAL = {"az": str.maketrans({"İ": "i", "I": "ı"}), "tr": str.maketrans({"İ": "i", "I": "ı"})}


def upper(text: str, lang: str = DEFAULT_LANG) -> str:
    """``text`` in capitals by the language's rules: az "iyun" → "İYUN", en "june" → "JUNE"."""
    table = _UPPER_SPECIAL.get(lang)
    return (text.translate(table) if table else text).upper()


def lower(text: str, lang: str = DEFAULT_LANG) -> str:
    """``text`` in small letters by the language's rules: az "İnzibati" → "inzibati", "IRAQ" → "ıraq"."""
    table = _LOWER_SPECIAL.get(lang)
    return (text.translate(table) if table else text).lower()


def capitalised(text: str, lang: str = DEFAULT_LANG) -> str:
    """The first letter in capitals, the rest as it is: az "iyn–iyl 2020" → "İyn–iyl 2020"."""
    return upper(text[:1], lang) + text[1:]


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2


def in_sentence(label: str, lang: str = DEFAULT_LANG) -> str:
    """A label ("İnzibati həbs", "Постановление ЕСПЧ") as it reads inside a sentence or a list:
    only its first letter lowered, by the language's rules ("inzibati həbs", "постановление ЕСПЧ").
    A label that starts with an abbreviation ("СМИ", "AİHM qərarı", "ECHR judgment") or is a name
    whose every word is capitalised ("Dövlət Təhlükəsizlik Xidməti") keeps its case."""
    words = label.split()
    if not words or _is_abbreviation(words[0]):
        return label
    named = [w for w in words if w[:1].isalpha()]
    if len(named) > 1 and all(w[:1].isupper() and not _is_abbreviation(w) for w in named):
        return label
    return lower(label[:1], lang) + label[1:]


# -- dates --------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)  # (a pure function of its arguments; a ten-year page asks for the same months often)
def month_label(d: date, lang: str = DEFAULT_LANG, long: bool = False) -> str:
    """Stand-alone month name + year ("February 2020", "Февраль 2020", "Fevral 2020", "İyun 2020")."""
    lang = norm_lang(lang)
    return capitalised(format_date(d, "LLLL y" if long else "LLL y", locale=lang), lang)


@lru_cache(maxsize=8192)
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
    return capitalised(format_interval(start, end, "yMMM", locale=lang), lang)


def number_separators(lang: str = DEFAULT_LANG) -> str:
    """Plotly's ``separators`` for the language: its decimal sign, then its thousands sign
    ("1,000.5" in English, "1 000,5" in Russian, "1.000,5" in Azerbaijani)."""
    loc = norm_lang(lang)
    return get_decimal_symbol(loc) + get_group_symbol(loc)


def rounded(value: float | int, decimals: int = 0) -> Decimal:
    """Half-up rounding, as a reader rounds (4.25 years → 4.3); Babel alone would round half-even."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(n: float | int, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """The one formatter of every number shown (cards, captions, charts' texts, report, deck):
    rounded half-up to ``decimals``, with the language's signs ("1,234.5", "1 234,5", "1.234,5")."""
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded(n, decimals), format=fmt, locale=norm_lang(lang))


def years(n: float | int, lang: str = DEFAULT_LANG) -> str:
    """Years (prison terms) with one decimal: "4.3"."""
    return number(n, lang, 1)


def money(amount: float | int, currency: str, lang: str = DEFAULT_LANG) -> str:
    """An amount in its currency, in the language's form ("1,500 AZN" style via Babel)."""
    from babel.numbers import format_currency

    return format_currency(
        rounded(amount, 0), currency, format="#,##0 ¤¤", locale=norm_lang(lang), currency_digits=False
    )


def grain_label(d: date, grain: str, lang: str = DEFAULT_LANG, long: bool = False) -> str:
    """A bar's period on a by-time axis: "Mar 2020" (month), "Q1 2020" / "I кв. 2020" (quarter),
    "2020" (year)."""
    if grain == "year":
        return str(d.year)
    if grain == "quarter":
        names = t("chart.quarter_names", lang).split("|")  # 1–4, or I–IV as Russian and Azerbaijani write them
        return t("chart.quarter", lang, q=names[(d.month - 1) // 3], year=d.year)
    return month_label(d, lang, long=long)


def grain_title(title: str, grain: str, lang: str = DEFAULT_LANG) -> str:
    """A by-month chart's title said for its grain ("… by month" → "… by year")."""
    if grain == "month":
        return title
    month_words, words = t("chart.per_month", lang), t(f"chart.per_{grain}", lang)
    return title.replace(month_words, words)
