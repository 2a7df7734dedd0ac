"""The three catalogues and the vocabularies: complete, consistent, in the right script."""

from __future__ import annotations

import ast
import re
import string
import sys
import tomllib
from datetime import date

import pytest
from babel.dates import format_date

from pressfreedom import i18n
from pressfreedom.paths import I18N_DIR
from pressfreedom.vocab import ALL as VOCABULARIES
from pressfreedom.vocab import LANGUAGES

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
AZ_LETTERS = set("əƏğĞıİöÖüÜçÇşŞ")
OWN_TABLES = ("report", "present", "export")  # added with the report, deck and presentation mode


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_is_in_every_language():
    keys = {lang: set(i18n.catalogue(lang)) for lang in LANGUAGES}
    for lang in LANGUAGES:
        missing = keys["en"] - keys[lang]
        extra = keys[lang] - keys["en"]
        assert not missing, f"{lang}.toml lacks {sorted(missing)}"
        assert not extra, f"{lang}.toml has keys English lacks: {sorted(extra)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_translation(lang):
    empty = [k for k, v in i18n.catalogue(lang).items() if not v.strip()]
    empty += [f"{k}.{form}" for k, forms in i18n.plurals(lang).items() for form, v in forms.items() if not v.strip()]
    assert not empty, f"{lang}: empty values {empty}"


# -- plural forms ---------------------------------------------------------------------------------


def test_babel_plural_rules_are_the_ones_the_catalogues_are_written_for():
    assert i18n.plural_tags("en") == {"one", "other"}
    assert i18n.plural_tags("ru") == {"one", "few", "many", "other"}
    assert i18n.plural_tags("az") == {"one", "other"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_entry_has_every_form_the_language_needs(lang):
    en_plural = set(i18n.plurals("en"))
    assert len(en_plural) >= 30, "the counted texts are plural entries"
    mine = i18n.plurals(lang)
    not_plural = sorted(en_plural - set(mine))
    assert not not_plural, f"{lang}.toml: plural in English, a single text here: {not_plural}"
    assert not set(mine) - en_plural, f"{lang}.toml: plural here, not in English: {sorted(set(mine) - en_plural)}"
    needed = i18n.plural_tags(lang)
    wrong = {k: sorted(forms) for k, forms in mine.items() if set(forms) != needed}
    assert not wrong, f"{lang}.toml: plural entries need exactly the forms {sorted(needed)}: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_form_has_the_placeholders_of_english(lang):
    en = i18n.plurals("en")
    wrong = {
        f"{k}.{form}": sorted(placeholders(text))
        for k, forms in i18n.plurals(lang).items()
        for form, text in forms.items()
        if placeholders(text) - LANGUAGE_SPECIFIC_PLACEHOLDERS != placeholders(en[k]["other"])
    }
    assert not wrong, f"{lang}: plural forms whose placeholders differ from English {wrong}"


# A number followed by a noun is a count, and a count needs plural forms ("1 incidents").
COUNTED = re.compile(r"\{n\} (?!in\b)[a-z]")


def test_every_text_with_a_counted_noun_is_a_plural_entry():
    plain = {k: v for k, v in i18n.catalogue("en").items() if k not in i18n.plurals("en")}
    counted = {k: v for k, v in plain.items() if COUNTED.search(v)}
    assert not counted, f"add one/other forms (and ru one/few/many/other) to: {counted}"


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("en", 1, "1 detention with a known duration"),
        ("en", 2, "2 detentions with a known duration"),
        ("en", 0, "0 detentions with a known duration"),
        ("ru", 1, "1 задержание с известной продолжительностью"),
        ("ru", 2, "2 задержания с известной продолжительностью"),
        ("ru", 5, "5 задержаний с известной продолжительностью"),
        ("ru", 12, "12 задержаний с известной продолжительностью"),
        ("ru", 22, "22 задержания с известной продолжительностью"),
        ("ru", 101, "101 задержание с известной продолжительностью"),
        ("ru", 1000, "1\xa0000 задержаний с известной продолжительностью"),
        ("az", 1, "Müddəti məlum olan 1 saxlanılma"),
        ("az", 5, "Müddəti məlum olan 5 saxlanılma"),
    ],
)
def test_the_form_follows_the_count(lang, n, text):
    assert i18n.t("detentions.longest_caption", lang, count=n, period="P") == f"{text} · P"


def test_decimals_take_their_own_form():
    assert i18n.t("court.n_years", "en", count=1) == "1 year"
    assert i18n.t("court.n_years", "en", count=1.0) == "1.0 years"  # CLDR: a visible decimal is not "one"
    assert i18n.t("court.n_years", "ru", count=2.5) == "2,5 года"
    assert i18n.t("court.n_years", "ru", count=4.0) == "4,0 года"
    assert i18n.t("court.n_years", "ru", count=5) == "5 лет"


def test_without_a_count_a_plural_entry_gives_its_general_plural():
    assert i18n.t("unit.incidents", "en") == "incidents"
    assert i18n.t("unit.incidents", "ru") == "инцидентов"
    assert i18n.t("unit.incidents", "ru", count=3) == "инцидента"
    assert i18n.catalogue("ru")["caption.n_incidents"] == "{n} инцидентов"


def test_a_missing_translation_falls_back_to_english_with_english_forms(monkeypatch):
    real = i18n._load
    monkeypatch.setattr(i18n, "_load", lambda lang: ({}, {}) if lang == "ru" else real(lang))  # ru lacks everything
    assert i18n.t("caption.n_incidents", "ru", count=1) == "1 incident"
    assert i18n.t("caption.n_incidents", "ru", count=3) == "3 incidents"


ROOT = I18N_DIR.parent
CALLER_DIRS = ("pressfreedom", "webapp", "pages", "report")


def _calls_without_count() -> list[str]:
    """Calls like ``i18n.t("caption.n_incidents", lang, n=…)`` whose literal key is a plural
    entry but which pass no ``count``: they would always show the general plural."""
    plural = set(i18n.plurals("en"))
    found = []
    files = [ROOT / "dashboard.py", *(p for d in CALLER_DIRS for p in sorted((ROOT / d).glob("*.py")))]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            key = node.args[0].value
            if not isinstance(key, str):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if path.name == "charts_third_party.py" and name == "label":
                key = f"context_chart.{key}"
            if key in plural and not any(k.arg == "count" for k in node.keywords):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {key}")
    return found


def test_every_call_of_a_plural_entry_passes_its_count():
    assert _calls_without_count() == []


def test_the_caller_check_finds_a_call_without_a_count(tmp_path, monkeypatch):
    (tmp_path / "pressfreedom").mkdir()
    (tmp_path / "dashboard.py").write_text('i18n.t("caption.n_incidents", lang, n=3)\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "CALLER_DIRS", ("pressfreedom",))
    assert _calls_without_count() == ["dashboard.py:1 caption.n_incidents"]


# -- the context charts' texts live in the catalogues -------------------------------------------


def test_context_chart_texts_are_in_every_catalogue():
    from pressfreedom import charts_third_party

    source = (ROOT / "pressfreedom" / "charts_third_party.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    used = {
        n.args[0].value
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and getattr(n.func, "id", None) == "label"
        and n.args
        and isinstance(n.args[0], ast.Constant)
    }
    used |= {"higher_is_better", "lower_is_better"}  # label(direction): the data's score_direction
    used |= {f"era.{scale}" for scale in __import__("pressfreedom.third_party", fromlist=["SCALES"]).SCALES}
    assert len(used) > 25
    for lang in LANGUAGES:
        missing = sorted(k for k in used if f"{charts_third_party.CATALOGUE_TABLE}.{k}" not in i18n.catalogue(lang))
        assert missing == [], (lang, missing)
    # no language table of its own any more: every text goes through the catalogues
    assert not re.search(r'^\s*"(en|ru|az)": \{', source, re.M)


# Placeholders one language needs and the code passes in every language: the Azerbaijani
# ablative ending after a number ("15-dən çox"), computed by webapp.wording.az_ablative.
LANGUAGE_SPECIFIC_PLACEHOLDERS = {"suffix"}
# A placeholder that is another form of an English one: a published figure's unit in the genitive
# (Russian "не менее {n} {unit_gen}"), which the code passes beside {unit} (pressfreedom.wording.unit_words).
PLACEHOLDER_FORMS = {"unit_gen": "unit"}


def own_placeholders(text: str) -> set[str]:
    return {PLACEHOLDER_FORMS.get(p, p) for p in placeholders(text)} - LANGUAGE_SPECIFIC_PLACEHOLDERS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english(lang):
    en = i18n.catalogue("en")
    wrong = {
        k: (sorted(placeholders(en[k])), sorted(placeholders(v)))
        for k, v in i18n.catalogue(lang).items()
        if k in en and own_placeholders(v) != placeholders(en[k])
    }
    assert not wrong, f"{lang}: placeholders differ from English (en, {lang}): {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_needs_review_names_real_keys(lang):
    raw = tomllib.loads((I18N_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    listed = raw.get("meta", {}).get("needs_review")
    assert isinstance(listed, list), f"{lang}.toml: meta.needs_review must be a list"
    unknown = set(listed) - set(i18n.catalogue(lang))
    assert not unknown, f"{lang}.toml: needs_review lists unknown keys {sorted(unknown)}"


def test_azerbaijani_catalogue_is_latin_script():
    # language names are each language's own name ("Русский"), shown as such in every catalogue
    cyrillic = {k: v for k, v in i18n.catalogue("az").items() if CYRILLIC.search(v) and not k.startswith("lang.")}
    assert not cyrillic, f"az.toml has Cyrillic text: {cyrillic}"
    letters = set("".join(i18n.catalogue("az").values()))
    assert {"ə", "ğ", "ı", "ö", "ü", "ç", "ş"} <= letters, "az.toml lacks the Azerbaijani letters"


def test_russian_catalogue_is_cyrillic():
    latin_only = {
        k: v
        for k, v in i18n.catalogue("ru").items()
        if re.search(r"[A-Za-z]{4,}", v) and not CYRILLIC.search(v) and v != i18n.catalogue("en")[k]
    }
    assert not latin_only, f"ru.toml has untranslated-looking values: {latin_only}"


@pytest.mark.parametrize("table", OWN_TABLES)
def test_report_presentation_and_export_tables_exist(table):
    for lang in LANGUAGES:
        assert any(k.startswith(table + ".") for k in i18n.catalogue(lang)), f"{lang}.toml lacks [{table}]"


def test_every_vocabulary_term_has_three_labels():
    missing = [
        f"{v.name}.{term.code}.{lang}"
        for v in VOCABULARIES.values()
        for term in v.terms
        for lang in LANGUAGES
        if not str(getattr(term, lang, "")).strip()
    ]
    assert not missing, f"vocabulary labels missing: {missing}"


def test_vocabulary_labels_are_in_the_right_script():
    problems = []
    for v in VOCABULARIES.values():
        if v.name == "source_language":  # names of languages, e.g. "Русский", stay as they are
            continue
        for term in v.terms:
            if CYRILLIC.search(term.az) or CYRILLIC.search(term.en):
                problems.append(f"{v.name}.{term.code}: Cyrillic in en/az label")
            if re.search(r"[A-Za-z]", term.ru) and not CYRILLIC.search(term.ru):
                problems.append(f"{v.name}.{term.code}: ru label {term.ru!r} is not Russian")
    assert not problems, problems


def test_legal_terms_follow_the_sources():
    """Spot checks against shared/sources: the ru study and the az/ru appeals."""
    from pressfreedom.vocab import ASSAULT_TYPE, DETENTION_TYPE, OUTCOME

    assert DETENTION_TYPE.label("administrative_detention", "ru") == "Административный арест"
    assert DETENTION_TYPE.label("administrative_detention", "az") == "İnzibati həbs"
    assert OUTCOME.label("prison_sentence", "ru") == "Лишение свободы"
    assert OUTCOME.label("prison_sentence", "az") == "Azadlıqdan məhrum etmə"
    assert OUTCOME.label("corrective_labour", "ru") == "Исправительные работы"
    assert OUTCOME.label("corrective_labour", "az") == "İslah işləri"
    assert OUTCOME.label("restriction_of_liberty", "ru") == "Ограничение свободы"
    assert DETENTION_TYPE.label("house_arrest", "ru") == "Домашний арест"
    assert DETENTION_TYPE.label("house_arrest", "az") == "Ev dustaqlığı"
    assert ASSAULT_TYPE.label("beating", "az") == "Döyülmə"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "January 2020"), ("ru", "Январь 2020"), ("az", "Yanvar 2020")],
)
def test_month_labels_use_the_stand_alone_form(lang, expected):
    assert i18n.month_label(date(2020, 1, 1), lang, long=True) == expected


def test_babel_stand_alone_not_genitive():
    assert format_date(date(2020, 1, 1), "LLLL y", locale="ru") == "январь 2020"
    assert format_date(date(2020, 1, 1), "LLLL y", locale="az") == "yanvar 2020"
    assert "января" in format_date(date(2020, 1, 1), "d MMMM y", locale="ru")  # the genitive exists: not on axes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_value_formats(lang):
    for key, value in i18n.catalogue(lang).items():
        names = placeholders(value)
        i18n.t(key, lang, **dict.fromkeys(names, "x")) if names else i18n.t(key, lang)
    for key, forms in i18n.plurals(lang).items():
        for text in forms.values():
            text.format(**dict.fromkeys(placeholders(text), "x"))
        for n in (0, 1, 2, 5, 21, 1.5):
            i18n.t(key, lang, count=n, **dict.fromkeys(placeholders(forms["other"]) - {"n"}, "x"))


# -- case changes follow the language (issue 19) ---------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "d", "long", "expected"),
    [
        ("az", date(2020, 6, 1), True, "İyun 2020"),
        ("az", date(2020, 7, 1), True, "İyul 2020"),
        ("az", date(2020, 6, 1), False, "İyn 2020"),
        ("az", date(2020, 7, 1), False, "İyl 2020"),
        ("az", date(2020, 1, 1), False, "Yan 2020"),
        ("ru", date(2020, 6, 1), True, "Июнь 2020"),
        ("en", date(2020, 6, 1), False, "Jun 2020"),
    ],
)
def test_azerbaijani_months_start_with_a_dotted_capital(lang, d, long, expected):
    assert i18n.month_label(d, lang, long=long) == expected


def test_a_period_starts_with_the_language_s_capital():
    assert i18n.period_label(date(2020, 6, 1), date(2020, 7, 31), "az") == "İyn–iyl 2020"
    assert i18n.period_label(date(2020, 6, 1), date(2020, 7, 31), "en") == "Jun\u2009–\u2009Jul 2020"


def test_upper_and_lower_pair_dotted_and_dotless_i_in_azerbaijani():
    assert i18n.upper("iyun ılıq", "az") == "İYUN ILIQ"
    assert i18n.lower("İNZİBATİ IŞIQ", "az") == "inzibati ışıq"
    assert "\u0307" not in i18n.lower("İnzibati həbs", "az")
    assert i18n.upper("iyun", "en") == "IYUN"  # Unicode's default elsewhere
    assert i18n.capitalised("iyn–iyl 2020", "az") == "İyn–iyl 2020"


@pytest.mark.parametrize(
    ("lang", "label", "expected"),
    [
        ("az", "İnzibati həbs", "inzibati həbs"),
        ("az", "AİHM qərarı", "AİHM qərarı"),
        ("az", "Dövlət Təhlükəsizlik Xidməti", "Dövlət Təhlükəsizlik Xidməti"),  # a name
        ("az", "İnternetin kəsilməsi", "internetin kəsilməsi"),
        ("ru", "СМИ", "СМИ"),
        ("ru", "Постановление ЕСПЧ", "постановление ЕСПЧ"),
        ("ru", "Веб-сайт", "веб-сайт"),
        ("en", "ECHR judgment", "ECHR judgment"),
        ("en", "Prosecutor's office", "prosecutor's office"),
    ],
)
def test_a_label_inside_a_sentence_keeps_abbreviations_and_names(lang, label, expected):
    assert i18n.in_sentence(label, lang) == expected


def test_every_vocabulary_label_reads_inside_a_sentence_without_a_stray_dot():
    for v in VOCABULARIES.values():
        for term in v.terms:
            for lang in LANGUAGES:
                text = i18n.in_sentence(term.label(lang), lang)
                assert "\u0307" not in text, (v.name, term.code, lang, text)
                assert text[1:] == term.label(lang)[1:], (v.name, term.code, lang, text)  # only the first letter


# Calls of str.upper/lower/capitalize/title/casefold/swapcase in the app's code, each on a code,
# a file name or a search key — never on localised text, which goes through i18n.upper/lower/
# capitalised/in_sentence (the language's own case rules). A new call must be added here with why.
CASE_CALLS_ON_CODES = {
    ("pressfreedom/chart_images.py", "fmt", "upper"): "image format in an error message (png → PNG)",
    ("pressfreedom/downloads.py", "config.country_code", "lower"): "file name",
    ("pressfreedom/i18n.py", "text.translate(table) if table else text", "upper"): "i18n.upper itself",
    ("pressfreedom/i18n.py", "text.translate(table) if table else text", "lower"): "i18n.lower itself",
    ("pressfreedom/query.py", "str(text)", "casefold"): "search key (names in any case and script)",
    ("pressfreedom/third_party.py", "str(value).strip()", "lower"): "parsing a data cell",
    ("pressfreedom/third_party.py", "probe_cc", "upper"): "country code",
    ("pressfreedom/third_party.py", "c", "upper"): "category code",
    ("pressfreedom/vocab.py", "value.strip()", "lower"): "parsing a data cell into a code",
    ("pressfreedom/vocab.py", "t.en", "lower"): "matching an English label typed as a code",
    ("pages/third_party.py", "config.country_iso2", "lower"): "file name in a hint",
    ("report/html.py", "url", "lower"): "URL scheme check",
}


def test_no_case_change_of_localised_text_outside_i18n():
    calls = set()
    for path in [ROOT / "dashboard.py", *(p for d in CALLER_DIRS for p in sorted((ROOT / d).glob("*.py")))]:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("upper", "lower", "capitalize", "title", "casefold", "swapcase")
                and not node.args  # st.title("…") is Streamlit's
            ):
                segment = ast.get_source_segment(source, node.func.value)
                calls.add((str(path.relative_to(ROOT)), segment, node.func.attr))
    assert calls - set(CASE_CALLS_ON_CODES) == set(), "use i18n.upper/lower/capitalised/in_sentence for words"


# -- a unit agrees with the number it follows (issue 19) -------------------------------------------

COUNTS_RU = (1, 2, 5, 21, 22)
# unit: its forms right after 1, 2, 5, 21, 22 ("ровно 21 запрос"), then after a word that takes the
# genitive ("не менее 21 запроса", "не менее 22 запросов")
RU_UNITS = {
    "incidents": (
        ("инцидент", "инцидента", "инцидентов", "инцидент", "инцидента"),
        ("инцидента", "инцидентов", "инцидентов", "инцидента", "инцидентов"),
    ),
    "people": (
        ("пострадавший", "пострадавших", "пострадавших", "пострадавший", "пострадавших"),
        ("пострадавшего", "пострадавших", "пострадавших", "пострадавшего", "пострадавших"),
    ),
    "persons": (
        ("человек", "человека", "человек", "человек", "человека"),
        ("человека", "человек", "человек", "человека", "человек"),
    ),
    "websites": (
        ("сайт или платформа", "сайта и платформы", "сайтов и платформ", "сайт или платформа", "сайта и платформы"),
        ("сайта или платформы", "сайтов и платформ", "сайтов и платформ", "сайта или платформы", "сайтов и платформ"),
    ),
    "cases": (("дело", "дела", "дел", "дело", "дела"), ("дела", "дел", "дел", "дела", "дел")),
    "sentences": (
        ("наказание", "наказания", "наказаний", "наказание", "наказания"),
        ("наказания", "наказаний", "наказаний", "наказания", "наказаний"),
    ),
    "rulings": (
        ("решение", "решения", "решений", "решение", "решения"),
        ("решения", "решений", "решений", "решения", "решений"),
    ),
    "requests": (
        ("запрос", "запроса", "запросов", "запрос", "запроса"),
        ("запроса", "запросов", "запросов", "запроса", "запросов"),
    ),
    "lawsuits": (("иск", "иска", "исков", "иск", "иска"), ("иска", "исков", "исков", "иска", "исков")),
    "percent": (
        ("процент", "процента", "процентов", "процент", "процента"),
        ("процента", "процентов", "процентов", "процента", "процентов"),
    ),
    "days": (("день", "дня", "дней", "день", "дня"), ("дня", "дней", "дней", "дня", "дней")),
}
# Azerbaijani: a noun after a numeral stays singular (after 1 and 2 alike)
AZ_UNITS = {
    "incidents": ("insident", "insident"),
    "people": ("zərərçəkən", "zərərçəkən"),
    "persons": ("nəfər", "nəfər"),
    "websites": ("sayt və ya platforma", "sayt və platforma"),
    "cases": ("iş", "iş"),
    "sentences": ("cəza", "cəza"),
    "rulings": ("qərar", "qərar"),
    "requests": ("sorğu", "sorğu"),
    "lawsuits": ("məhkəmə iddiası", "məhkəmə iddiası"),
    "percent": ("faiz", "faiz"),
    "days": ("gün", "gün"),
}
EN_UNITS = {
    "incidents": ("incident", "incidents"),
    "people": ("person affected", "people affected"),
    "persons": ("person", "people"),
    "websites": ("website or platform", "websites and platforms"),
    "cases": ("case", "cases"),
    "sentences": ("sentence", "sentences"),
    "rulings": ("ruling", "rulings"),
    "requests": ("request", "requests"),
    "lawsuits": ("lawsuit", "lawsuits"),
    "percent": ("percent", "percent"),
    "days": ("day", "days"),
}


def test_the_agreement_tables_name_every_unit():
    units = {k.split(".", 1)[1] for k in i18n.plurals("en") if k.startswith("unit.")}
    assert units == set(RU_UNITS) == set(AZ_UNITS) == set(EN_UNITS)
    assert {k.split(".", 1)[1] for k in i18n.plurals("en") if k.startswith("unit_gen.")} == units


def test_every_unit_of_the_published_figures_is_in_the_catalogues():
    import csv

    from pressfreedom.paths import RAW_DIR

    with open(RAW_DIR / "published_figures.csv", encoding="utf-8", newline="") as fh:
        units = {r["unit"] for r in csv.DictReader(fh)}
    assert units <= set(EN_UNITS), sorted(units - set(EN_UNITS))


@pytest.mark.parametrize("unit", sorted(RU_UNITS))
def test_a_russian_unit_agrees_with_its_number(unit):
    from pressfreedom.wording import figure_in_words

    after, genitive = RU_UNITS[unit]
    for n, nom, gen in zip(COUNTS_RU, after, genitive, strict=True):
        assert i18n.t(f"unit.{unit}", "ru", count=n) == nom
        assert figure_in_words(n, "exactly", "ru", unit=unit) == f"ровно {n} {nom}"
        assert figure_in_words(n, "at_least", "ru", unit=unit) == f"не менее {n} {gen}"
        assert figure_in_words(n, "more_than", "ru", unit=unit) == f"более {n} {gen}"
        assert figure_in_words(n, "about", "ru", unit=unit) == f"около {n} {gen}"
        assert figure_in_words(n, "up_to", "ru", unit=unit) == f"до {n} {gen}"
        assert figure_in_words(0, "range_min", "ru", n, unit=unit) == f"от 0 до {n} {gen}"  # the upper bound's form


@pytest.mark.parametrize("unit", sorted(AZ_UNITS))
def test_an_azerbaijani_unit_agrees_with_its_number(unit):
    from pressfreedom.wording import figure_in_words

    for n, word in zip((1, 2), AZ_UNITS[unit], strict=True):
        assert i18n.t(f"unit.{unit}", "az", count=n) == word
        assert figure_in_words(n, "exactly", "az", unit=unit) == f"dəqiq {n} {word}"
        assert figure_in_words(n, "at_least", "az", unit=unit) == f"ən azı {n} {word}"
        assert figure_in_words(n, "more_than", "az", unit=unit) == f"{n}-dən çox {word}"  # bir, iki: -dən
        assert figure_in_words(0, "range_min", "az", n, unit=unit) == f"0–{n} {word}"


@pytest.mark.parametrize("unit", sorted(EN_UNITS))
def test_an_english_unit_agrees_with_its_number(unit):
    from pressfreedom.wording import figure_in_words

    for n, word in zip((1, 2), EN_UNITS[unit], strict=True):
        assert i18n.t(f"unit.{unit}", "en", count=n) == word
        assert figure_in_words(n, "at_least", "en", unit=unit) == f"at least {n} {word}"
        assert figure_in_words(0, "range_min", "en", n, unit=unit) == f"between 0 and {n} {word}"


def test_a_large_or_decimal_figure_agrees_as_it_is_written():
    from pressfreedom.wording import figure_in_words

    assert figure_in_words(20000.0, "more_than", "ru", unit="persons") == "более 20\xa0000 человек"
    assert figure_in_words(20000.0, "more_than", "az", unit="persons") == "20.000-dən çox nəfər"
    assert figure_in_words(20000.0, "more_than", "en", unit="persons") == "more than 20,000 people"
    assert figure_in_words(2.5, "about", "ru", unit="percent") == "около 2,5 процента"
    assert figure_in_words(35, "range_min", "ru", 40, unit="percent") == "от 35 до 40 процентов"
    assert figure_in_words(7, "exactly", "ru", unit="no_such_unit") == "ровно 7 no_such_unit"


# -- what each published figure counts, in every language (issue 19) -------------------------------


def _published_figures() -> dict[str, str]:
    import csv

    from pressfreedom.paths import RAW_DIR

    with open(RAW_DIR / "published_figures.csv", encoding="utf-8", newline="") as fh:
        return {r["figure_id"]: r["description"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_published_figure_is_described_in_every_language(lang):
    described = {k.split(".", 1)[1] for k in i18n.catalogue(lang) if k.startswith("published_description.")}
    assert described == set(_published_figures()), f"{lang}.toml: [published_description] ≠ data/raw's figure ids"


def test_the_english_descriptions_are_the_data_s_own():
    """en.toml copies data/raw's descriptions: when one changes there, its translations are out of date."""
    stale = {
        fid: text
        for fid, text in _published_figures().items()
        if i18n.catalogue("en")[f"published_description.{fid}"] != text
    }
    assert not stale, f"update en.toml and have ru/az translated again (needs_review): {stale}"


def test_a_figure_is_described_in_the_page_s_language():
    from pressfreedom.figures import figure_description

    own = _published_figures()["FIG-0016"]
    assert figure_description("FIG-0016", own, "en") == own
    assert figure_description("FIG-0016", own, "ru").startswith("Запросы в местные органы")
    assert figure_description("FIG-0016", own, "az").startswith("Yerli icra hakimiyyəti")
    assert figure_description("F-unknown", "Own words", "az") == "Own words"  # a figure the catalogues lack
