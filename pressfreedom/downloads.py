"""Downloads that state their filter, so a filtered file is never mistaken for the whole dataset.

Pure functions (bytes and names in, no Streamlit): the pages wrap them in ``st.download_button``.

- CSV: the first line is a comment starting with ``#`` that says what the file holds (filter in
  words, row count, sources, licence, build); the header follows on line 2. Read it with
  ``pandas.read_csv(path, skiprows=1)`` or delete the first line. The file name carries the
  filter too (``…_2020-01_2020-12_detention.csv``).
- XLSX: an "About" sheet first (filter, sources, licence, build id and date), then the data.
- Both: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
  prefixed with ``'`` so that a spreadsheet shows it instead of running it as a formula.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from pressfreedom import i18n, schema
from pressfreedom.config import CountryConfig
from pressfreedom.filters import Filters
from pressfreedom.vocab import CATEGORY_SUBCATEGORY

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEP = " | "


# Columns of the incident download, in order (stable English names: analysts script against them):
# the compiled columns (docs/data-model.md) with the source titles beside their ids, then each kind's
# own columns as declared in pressfreedom/schema.py (its "type" column is the compiled `subcategory`).
def _download_columns() -> tuple[str, ...]:
    common = [c for c in schema.INCIDENT_COLUMNS if c != "confidential"]
    common.insert(common.index("summary") + 1, "sources")
    typed = {col for col, _vocab in CATEGORY_SUBCATEGORY.values()}
    own = [c.name for t in schema.INCIDENT_TABLES for c in t.columns if c.name not in common and c.name not in typed]
    return tuple(dict.fromkeys(common + own))


INCIDENT_COLUMNS = _download_columns()


def neutralise(value: object) -> object:
    """A text cell made inert for spreadsheets (formula injection); other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, (list, tuple, np.ndarray)):
        return LIST_SEP.join(str(v) for v in value if v is not None)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with `` | ``, dates as ISO text, every text cell neutralised."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = [neutralise(_cell(v)) for v in out[c]]
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def figure_frame(fig) -> pd.DataFrame:
    """The numbers a chart draws, one row per mark: series (the trace's name), label, value.

    Bars and points of every trace with both coordinates (a horizontal bar's value is its x). Labels
    and names are plain text (Plotly's line breaks and tags removed). For the chart's data download.
    """
    rows = []
    for tr in fig.data:
        xs, ys = getattr(tr, "x", None), getattr(tr, "y", None)
        if xs is None or ys is None:
            continue
        horizontal = getattr(tr, "orientation", None) == "h"
        labels, values = (ys, xs) if horizontal else (xs, ys)
        name = _plain(getattr(tr, "name", None) or "")
        for label, value in zip(labels, values, strict=False):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            rows.append((name, _plain(_cell(label)), value))
    return pd.DataFrame(rows, columns=["series", "label", "value"])


def _plain(text: object) -> str:
    import html

    return html.unescape(" ".join(re.sub(r"<br\s*/?>|<[^>]*>", " ", str(text)).split()))


def incident_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incident list (``Query.incidents``) as downloaded: fixed columns, sources with sections."""
    if incidents is None or incidents.empty:
        return pd.DataFrame(columns=list(INCIDENT_COLUMNS))
    df = incidents.copy()
    if "source_titles" in df:
        df["sources"] = [
            "; ".join(f"{t} — {loc}" for t, loc in zip(list(ts), list(ls), strict=False))
            if ts is not None and ls is not None
            else ""
            for ts, ls in zip(df["source_titles"], df["source_locators"], strict=True)
        ]
    cols = [c for c in INCIDENT_COLUMNS if c in df.columns]
    return df[cols].reset_index(drop=True)


def about_lines(
    f: Filters | None,
    config: CountryConfig,
    manifest: dict,
    *,
    rows: int,
    sources: Iterable[str],
    lang: str = "en",
    generated: datetime | None = None,
    content: str | None = None,
) -> list[tuple[str, str]]:
    """What a download holds, as (label, value) lines: the same text in the XLSX and the CSV.

    ``f`` None means the whole dataset. ``content`` adds what else narrowed the rows (a selection
    made in a chart, a person's timeline).
    """
    t = i18n.t
    whole = f is None and not content
    lines = [
        (t("download.title", lang), config.title_in(lang)),
        (t("download.content", lang), t("download.whole" if whole else "download.filtered", lang)),
    ]
    if f is not None:
        lines += f.describe(lang)
    if content:
        lines.append((t("download.selection", lang), content))
    lines += [
        (t("download.rows", lang), i18n.number(rows, lang)),
        (t("download.sources", lang), "; ".join(dict.fromkeys(s for s in sources if s)) or "—"),
        (t("download.licence", lang), f"{config.licence.get('data', '')} ({config.licence.get('data_url', '')})"),
        (t("download.attribution", lang), config.licence.get("attribution", "")),
        (t("download.build", lang), f"{manifest.get('build_id', '')} ({manifest.get('built_at', '')})"),
        (t("download.generated", lang), (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")),
        (t("download.formulas", lang), t("download.formulas_note", lang)),
        (t("download.csv_comment", lang), t("download.csv_comment_note", lang)),
    ]
    return lines


def csv_comment(lines: list[tuple[str, str]]) -> str:
    """The leading ``#`` line of a CSV: every about line on one line, no line breaks inside."""
    text = " · ".join(f"{k}: {v}" for k, v in lines)
    return "# " + re.sub(r"[\r\n]+", " ", text)


def csv_bytes(df: pd.DataFrame, lines: list[tuple[str, str]]) -> bytes:
    """UTF-8 (with BOM, so spreadsheets detect it) CSV: the ``#`` comment line, then the table."""
    body = safe_frame(df).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + csv_comment(lines) + "\n" + body).encode("utf-8")


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"


def xlsx_bytes(sheets: dict[str, pd.DataFrame], lines: list[tuple[str, str]], about_name: str = "About") -> bytes:
    """An XLSX workbook: the "About" sheet first (two columns), then one sheet per table."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        about = pd.DataFrame([(neutralise(k), neutralise(v)) for k, v in lines], columns=["", " "])
        about.to_excel(xw, sheet_name=_sheet_name(about_name), index=False, header=False)
        ws = xw.sheets[_sheet_name(about_name)]
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 110
        for name, df in sheets.items():
            safe_frame(df).to_excel(xw, sheet_name=_sheet_name(name), index=False)
            sheet = xw.sheets[_sheet_name(name)]
            sheet.freeze_panes = "A2"
    return buf.getvalue()


def file_name(config: CountryConfig, f: Filters | None, stem: str, ext: str) -> str:
    """'aze-press-freedom_incidents_2020-01_2020-12_detention.csv' (the whole dataset says 'all')."""
    scope = f.slug() if f is not None else "all"
    slug = re.sub(r"[^A-Za-z0-9._+-]+", "-", f"{config.country_code.lower()}-press-freedom_{stem}_{scope}")
    return f"{slug.strip('-')}.{ext}"


def parquet_zip(paths: Iterable[Path], manifest: Path | None = None) -> bytes:
    """The build's Parquet files (and its manifest) in one zip, as published."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in paths:
            if p.exists():
                z.write(p, arcname=p.name)
        if manifest is not None and manifest.exists():
            z.write(manifest, arcname=manifest.name)
    return buf.getvalue()
