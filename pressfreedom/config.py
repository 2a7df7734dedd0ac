"""The one config file with everything country-specific (title, languages, country code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from pressfreedom.paths import CONFIG_FILE


@dataclass(frozen=True)
class CountryConfig:
    country_code: str
    country_iso2: str
    default_language: str
    languages: tuple[str, ...]
    title: dict[str, str]
    country_name: dict[str, str]
    licence: dict[str, str]

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title[self.default_language]

    def country_in(self, lang: str) -> str:
        return self.country_name.get(lang) or self.country_name[self.default_language]


@lru_cache(maxsize=1)
def load_config() -> CountryConfig:
    raw = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    return CountryConfig(
        country_code=raw["country_code"],
        country_iso2=raw["country_iso2"],
        default_language=raw["default_language"],
        languages=tuple(raw["languages"]),
        title=dict(raw["title"]),
        country_name=dict(raw["country_name"]),
        licence=dict(raw["licence"]),
    )
