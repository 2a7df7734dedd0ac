"""The three catalogues and the vocabularies: complete, consistent, in the right script."""

from __future__ import annotations

import re
import string
import tomllib
from datetime import date

import pytest
from babel.dates import format_date

from pfd import i18n
from pfd.paths import I18N_DIR
from pfd.vocab import ALL as VOCABULARIES
from pfd.vocab import LANGUAGES

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
    assert not empty, f"{lang}: empty values {empty}"


# Placeholders one language needs and the code passes in every language: the Azerbaijani
# ablative ending after a number ("15-dən çox"), computed by pfd.views.az_ablative.
LANGUAGE_SPECIFIC_PLACEHOLDERS = {"suffix"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english(lang):
    en = i18n.catalogue("en")
    wrong = {
        k: (sorted(placeholders(en[k])), sorted(placeholders(v)))
        for k, v in i18n.catalogue(lang).items()
        if k in en and placeholders(v) - LANGUAGE_SPECIFIC_PLACEHOLDERS != placeholders(en[k])
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
    from pfd.vocab import ASSAULT_TYPE, DETENTION_TYPE, OUTCOME

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
