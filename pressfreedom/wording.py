"""Numbers and spans in words, in the page's language (pure: no Streamlit).

Published figures with their qualifier ("at least 26", "не менее 26", "ən azı 26"), date spans,
and the Azerbaijani ablative suffix after a number.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from pressfreedom import i18n
from pressfreedom.query.rules import COUNTING_RULES, DECISIVE_OUTCOMES
from pressfreedom.vocab import (
    BLOCKING_TYPE,
    CUSTODY_STATUS,
    DETENTION_TYPE,
    OUTCOME,
    QUALIFIER,
    VICTIM_ROLE,
    Vocabulary,
)

_AZ_BACK_VOWEL_ENDINGS = {  # last number word → does it take -dan (back vowel) rather than -dən?
    0: True,  # sıfır
    1: False,  # bir
    2: False,  # iki
    3: False,  # üç
    4: False,  # dörd
    5: False,  # beş
    6: True,  # altı
    7: False,  # yeddi
    8: False,  # səkkiz
    9: True,  # doqquz
}


_AZ_TENS_BACK = {10: True, 20: False, 30: True, 40: True, 50: False, 60: True, 70: False, 80: False, 90: True}


def rounded(value: float, decimals: int = 0) -> float:
    """Half-up rounding for display (4.25 years shows as 4.3, as a reader would round it)."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def az_ablative(n: int) -> str:
    """The Azerbaijani ablative suffix after a number in digits: '130-dan', '15-dən'."""
    n = abs(int(n))
    if n % 10:
        back = _AZ_BACK_VOWEL_ENDINGS[n % 10]
    elif n % 100:
        back = _AZ_TENS_BACK[n % 100]
    elif n % 1000:
        back = False  # yüz
    elif n % 1_000_000:
        back = False  # min
    elif n:
        back = True  # milyon
    else:
        back = True
    return "-dan" if back else "-dən"


def esc(text: object, quote: bool = True) -> str:
    """Text from the data made inert wherever HTML is rendered: the offline report, presentation
    mode's cards (``quote``: also inside attributes), and Plotly's text, which renders a subset of
    HTML (``quote=False``: Plotly shows entities it does not know literally)."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace('"', "&quot;").replace("'", "&#x27;") if quote else out


def _as_shown(value: float) -> int | Decimal:
    """A figure's number as it is written (a whole number, or one decimal): its plural form follows that."""
    value = float(value)
    return int(value) if value.is_integer() else Decimal(str(round(value, 1)))


def unit_words(unit: str, lang: str, count: float | int | Decimal) -> dict[str, str]:
    """A published figure's unit after ``count``, in the forms the qualifier texts take: ``unit``, the count's
    own form ("1 запрос", "5 запросов"), and ``unit_gen``, after a word that takes the genitive in Russian
    ("не менее 1 запроса", "не менее 5 запросов"; the same as ``unit`` in English and Azerbaijani). A unit
    the catalogues lack is written as its code."""
    if not i18n.known(f"unit.{unit}"):
        return {"unit": unit, "unit_gen": unit}
    return {
        "unit": i18n.t(f"unit.{unit}", lang, count=count),
        "unit_gen": i18n.t(f"unit_gen.{unit}", lang, count=count),
    }


def figure_in_words(value: float, qualifier: str, lang: str, upper: float | None = None, *, unit: str) -> str:
    """A published figure with its qualifier and unit in words: 'at least 26 incidents', 'не менее 26
    инцидентов', 'ən azı 26 insident'; a range 'от 10 до 30 дней'. The unit agrees with the number it
    follows (the upper bound of a range) and takes the case the qualifier asks for."""
    num = i18n.number(value, lang, 0 if float(value).is_integer() else 1)
    if upper is not None:
        hi = i18n.number(upper, lang, 0 if float(upper).is_integer() else 1)
        return i18n.t("published.range", lang, low=num, high=hi, **unit_words(unit, lang, _as_shown(upper)))
    words = unit_words(unit, lang, _as_shown(value))
    if qualifier not in QUALIFIER.codes:
        return f"{num} {words['unit']}"
    suffix = az_ablative(int(value)) if lang == "az" else ""
    return i18n.t(f"published.q_{qualifier}", lang, n=num, suffix=suffix, **words)


QUALIFIER_SIGNS = {"exactly": "", "at_least": "≥\u202f", "more_than": ">\u202f", "about": "≈\u202f", "up_to": "≤\u202f"}


def figure_short(value: float, qualifier: str, lang: str, upper: float | None = None) -> str:
    """A published figure in signs, for a narrow chart's bar ('≥ 26', '10–30'): the words
    (``figure_in_words``) are in the hover text and the table beside the chart."""
    num = i18n.number(value, lang, 0 if float(value).is_integer() else 1)
    if upper is not None:
        return f"{num}–{i18n.number(upper, lang, 0 if float(upper).is_integer() else 1)}"
    return QUALIFIER_SIGNS.get(qualifier, "") + num


def pair_ranges(figures: pd.DataFrame) -> pd.DataFrame:
    """Join range_min/range_max rows of the same indicator, source and period into one row.

    (Grouped on the few ranged rows' key columns alone, and the frame copied once: a per-group
    ``loc`` on the whole frame, lists of thousands of incident ids included, took ~25 ms at 100k.)"""
    if figures.empty:
        return figures.assign(upper=pd.Series(dtype="float64"))
    keyc = ["source_id", "indicator", "period_start", "period_end"]
    ranged = figures.loc[figures["qualifier"].isin(["range_min", "range_max"]), [*keyc, "qualifier", "value"]]
    pairs: dict[int, tuple[list, list]] = {}
    groups = ranged.groupby(keyc, dropna=False, sort=False).ngroup() if len(ranged) else []
    for g, qualifier, value, label in zip(groups, ranged["qualifier"], ranged["value"], ranged.index, strict=True):
        lows, highs = pairs.setdefault(int(g), ([], []))
        (lows if qualifier == "range_min" else highs).append((label, value))
    upper, drop = {}, []
    for lows, highs in pairs.values():  # (a group of any other row pairs nothing)
        if len(lows) == 1 and len(highs) == 1:
            upper[lows[0][0]] = float(highs[0][1])
            drop.append(highs[0][0])
    kept = figures.drop(index=drop)
    return kept.assign(upper=pd.Series([upper.get(i) for i in kept.index], index=kept.index, dtype=object))


def span_label(start: date, end: date, lang: str) -> str:
    """A date span in words: whole months as "Jan – Dec 2020", one day as "11 February 2020"."""
    if start == end:
        return i18n.day_label(start, lang)
    if start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        return i18n.period_label(start, end, lang)
    return f"{i18n.day_label(start, lang)} – {i18n.day_label(end, lang)}"


def _labels(vocab: Vocabulary, codes, lang: str) -> str:
    return ", ".join(vocab.label(c, lang) for c in vocab.codes if c in codes)


def counting_rules(lang: str) -> list[str]:
    """The counting rules in words, rendered from the declared sets (``COUNTING_RULES``): the
    methodology page and the report show this one list."""
    rules = COUNTING_RULES
    other = [c for c in OUTCOME.codes if c not in DECISIVE_OUTCOMES]
    return [
        i18n.t("method.rule_period", lang),
        i18n.t("method.rule_unmonitored", lang),
        i18n.t("method.rule_people", lang),
        i18n.t(
            "method.rule_convictions",
            lang,
            convictions=_labels(OUTCOME, rules.conviction_outcomes, lang),
            acquittals=_labels(OUTCOME, rules.acquittal_outcomes, lang),
            replacing=_labels(OUTCOME, rules.replacing_outcomes, lang),
            other=_labels(OUTCOME, other, lang),
        ),
        i18n.t("method.rule_prison", lang, custodial=_labels(OUTCOME, rules.custodial_outcomes, lang)),
        i18n.t("method.rule_blocks", lang, apart=_labels(BLOCKING_TYPE, rules.not_a_block, lang)),
        i18n.t("method.rule_comparison", lang),
        i18n.t("method.rule_published", lang),
        i18n.t("method.rule_outlets", lang, roles=_labels(VICTIM_ROLE, rules.outlet_roles, lang)),
        i18n.t(
            "method.rule_custody",
            lang,
            months=rules.confirmation_months,
            held=_custody_events(rules.held_detentions, rules.held_outcomes, "held", lang),
            free=_custody_events(rules.free_detentions, rules.free_outcomes, "released", lang),
            house=_custody_events(rules.house_detentions, rules.house_outcomes, "house_arrest", lang),
            roles=_labels(VICTIM_ROLE, rules.custody_roles, lang),
        ),
        i18n.t("method.rule_confidential", lang),
    ]


def _custody_events(detention_types, outcomes, status: str, lang: str) -> str:
    """The detention types, court outcomes and custody report that say one thing about custody."""
    report = i18n.t("bars.custody_report", lang, status=i18n.in_sentence(CUSTODY_STATUS.label(status, lang), lang))
    return ", ".join(
        x for x in (_labels(DETENTION_TYPE, detention_types, lang), _labels(OUTCOME, outcomes, lang), report) if x
    )
