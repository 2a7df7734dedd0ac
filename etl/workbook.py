"""`python -m etl workbook --out FILE.xlsx [--lang en|ru|az] [--with-data] [--raw DIR]`.

A workbook for the monitors, generated from the declared contract (``pressfreedom.schema`` and
``pressfreedom.vocab``, never a second list): a first sheet "How to fill in", then one sheet per
input table (named as the table; the contract's columns in order), each header cell with a
comment (meaning, format, required), vocabulary columns with a dropdown of the labels in the
chosen language (the lists on a hidden sheet, data validation; no cell formulas anywhere), every
cell text-formatted so that Excel cannot turn "2020-03" into a day or drop a leading zero.

``--with-data`` writes the monitors' current tables (confidential rows included: the first sheet
says so) into the same layout, vocabulary codes written as labels of the chosen language (the
ETL reads a label in any language as its code). The ETL reads such a workbook placed in the raw
folder (``raw_tables``): compiling a folder holding only it gives the same Parquet as compiling
the tables it was made from (``tests/test_workbook.py``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pressfreedom import vocab as V
from pressfreedom.paths import DOCS_DIR, RAW_DIR
from pressfreedom.schema import (
    BOOL,
    CURRENCY,
    DATE,
    ID,
    INCIDENT_TABLES,
    LIST,
    LIST_SEP,
    NUMBER,
    REFERENCE_TABLES,
    URL,
    VOCAB,
    Col,
    TableSpec,
)

LISTS_SHEET = "lists"  # hidden: one column per vocabulary, the labels of the chosen language
HOWTO_SHEET = "How to fill in"
TABLE_ORDER: tuple[TableSpec, ...] = INCIDENT_TABLES + REFERENCE_TABLES
VALIDATED_ROWS = 5000  # rows below the data that get the dropdowns
TEXT_FORMAT = "@"

FORMATS = {
    ID: "an id: letters, digits and - _ . : (unique in the table)",
    DATE: "a date written as text: YYYY-MM-DD, YYYY-MM (month only) or YYYY (year only); DD.MM.YYYY also read",
    NUMBER: "a number, not negative; a dot for decimals",
    BOOL: "true or false (empty = false)",
    LIST: f"values separated by {LIST_SEP}",
    CURRENCY: "an ISO 4217 currency code (AZN, EUR, USD)",
    URL: "an http:// or https:// address, or empty",
    "text": "text",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m etl workbook", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--lang", choices=V.LANGUAGES, default="en", help="language of the vocabulary labels")
    p.add_argument("--with-data", action="store_true", help="fill in the current tables (confidential rows too)")
    p.add_argument("--raw", type=Path, default=RAW_DIR, help="tables for --with-data (default data/raw)")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from etl.build import FatalInputError

    try:
        data = read_tables(args.raw) if args.with_data else None
    except FatalInputError as e:
        print(f"etl workbook: fatal: {e}", file=sys.stderr)
        return 2
    write_workbook(args.out, args.lang, data)
    rows = sum(len(r) for r in data.values()) if data else 0
    print(f"etl workbook: wrote {args.out} ({args.lang}, {rows} data rows)")
    return 0


# -- what the workbook says ---------------------------------------------------------------------


def column_meanings() -> dict[tuple[str, str], str]:
    """(table, column) -> meaning, from docs/data-model.md (the contract's description, which
    ``tests/test_contract_docs.py`` keeps complete)."""
    doc = (DOCS_DIR / "data-model.md").read_text(encoding="utf-8")
    meanings: dict[tuple[str, str], str] = {}
    common = {c.name for c in INCIDENT_TABLES[0].columns[:16]}
    for line in doc.splitlines():
        line = line.replace("`|`", "`PIPE`")  # the list separator inside a table cell
        cells = [c.strip().replace("`PIPE`", "`|`") for c in line.strip().strip("|").split("|")]
        cells = cells if line.startswith("| ") else []
        if len(cells) == 3 and cells[0].startswith("`") and cells[1] in ("yes", "no"):  # common columns
            name = cells[0].strip("`")
            if name in common:
                for t in INCIDENT_TABLES:
                    meanings.setdefault((t.name, name), cells[2])
        elif len(cells) >= 3 and cells[0] in {t.name for t in INCIDENT_TABLES} and cells[1].startswith("`"):
            name = cells[1].split("`")[1]
            meanings.setdefault((cells[0], name), " | ".join(cells[2:]))
    for spec in REFERENCE_TABLES:
        m = re.search(rf"^- `{spec.name}`: (.*?)(?=^- |^\n|^##)", doc, re.S | re.M)
        text = " ".join(m.group(1).split()) if m else ""
        for c in spec.columns:
            found = re.search(rf"`{re.escape(c.name)}` \(((?:[^()]|\([^()]*\))*)\)", text)
            if found:
                meanings[(spec.name, c.name)] = found.group(1)
    return meanings


def column_comment(spec: TableSpec, c: Col, lang: str, meanings: dict) -> str:
    meaning = meanings.get((spec.name, c.name)) or c.name.replace("_", " ")
    if c.name == spec.key:
        meaning += " (the row's id, unique in the table)"
    if c.kind == VOCAB and c.vocab is not None:
        fmt = f"choose from the list ({lang} labels), or type a code: {', '.join(c.vocab.codes)}"
        if c.vocab.unknown:
            fmt += f"; empty = {c.vocab.unknown}"
    elif c.kind == LIST and c.vocab is not None:
        fmt = f"codes separated by {LIST_SEP}: {', '.join(c.vocab.codes)}"
    else:
        fmt = FORMATS.get(c.kind, "text")
        if c.kind == NUMBER and c.whole:
            fmt += " (a whole number)"
    required = "REQUIRED" if c.required else "optional"
    return f"{c.name} ({required})\nMeaning: {meaning}\nFormat: {fmt}"


def howto_lines(lang: str, with_data: bool) -> list[str]:
    lines = []
    if with_data:
        lines += [
            "CONFIDENTIAL: this workbook holds the monitors' current tables, confidential rows and names included.",
            "It is for monitors only: never publish it, never send it outside the team.",
            "",
        ]
    lines += [
        "How to fill in this workbook",
        "",
        "Each sheet after this one is one table of the data (its name is the table's name: do not rename it).",
        "Row 1 is the header: keep it as it is. One record per row, from row 2 on; leave no empty rows in between.",
        "Hover over a header cell to read what the column means, its format and whether it is required.",
        f"Columns with a list: choose a value from the dropdown (labels in '{lang}'); "
        "a label in English, Russian or Azerbaijani or the code itself is read too.",
        "Dates are text: type 2020-03-15 (a day), 2020-03 (a month only) or 2020 (a year only).",
        f"Lists of several values (sources, locators, related ids, offences) are separated by '{LIST_SEP}'.",
        "Do not type formulas: the ETL never evaluates them.",
        "",
        "To compile: put this file into data/raw (without separate CSV/XLSX files of the same tables) "
        "and run 'make data' (python -m etl), or upload it on the 'Check a file' page first.",
        "Problems are listed with file, row, column, value and reason in data/processed/rejects.csv.",
        "The columns are described in docs/data-model.md.",
    ]
    return lines


# -- reading the current tables -----------------------------------------------------------------


def read_tables(raw_dir: Path) -> dict[str, list[list[str | None]]]:
    """The input tables as the ETL reads them (strings, the contract's columns in order)."""
    import tempfile

    from etl import raw_tables
    from etl.build import Build

    with tempfile.TemporaryDirectory() as tmp:
        build = Build(out=Path(tmp) / "out", verbose=False)
        inputs = raw_tables.open_inputs(raw_dir, build)
        data = {}
        for spec in TABLE_ORDER:
            table = inputs[spec.name].load().table
            cols = [table.column(n).to_pylist() for n in spec.column_names]
            data[spec.name] = [list(r) for r in zip(*cols, strict=True)] if cols and table.num_rows else []
    return data


def as_label(c: Col, value: str | None, lang: str) -> str | None:
    """A vocabulary code written as its label in ``lang`` (any other value as it is)."""
    if value is None or c.kind != VOCAB or c.vocab is None:
        return value
    key = value.strip()
    return c.vocab.label(key, lang) if key in c.vocab.codes else value


# -- writing -----------------------------------------------------------------------------------


def write_workbook(out: Path, lang: str = "en", data: dict[str, list] | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    howto = wb.active
    howto.title = HOWTO_SHEET
    for i, line in enumerate(howto_lines(lang, data is not None), start=1):
        cell = howto.cell(row=i, column=1, value=line)
        if data is not None and i <= 2:
            cell.font = Font(bold=True, color="B00000")
    howto.column_dimensions["A"].width = 120

    lists = wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    vocabs = {c.vocab.name: c.vocab for t in TABLE_ORDER for c in t.columns if c.kind == VOCAB and c.vocab}
    for j, (name, vocab) in enumerate(sorted(vocabs.items()), start=1):
        letter = get_column_letter(j)
        lists.cell(row=1, column=j, value=name)
        for i, term in enumerate(vocab.terms, start=2):
            lists.cell(row=i, column=j, value=term.label(lang))
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(vocab.terms) + 1}"
    lists.sheet_state = "hidden"

    meanings = column_meanings()
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for spec in TABLE_ORDER:
        ws = wb.create_sheet(spec.name)
        rows = (data or {}).get(spec.name, [])
        last = max(len(rows) + 1 + VALIDATED_ROWS, 2)
        for j, c in enumerate(spec.columns, start=1):
            cell = ws.cell(row=1, column=j, value=c.name)
            cell.font = Font(bold=c.required)
            cell.fill = header_fill
            comment = Comment(column_comment(spec, c, lang, meanings), "pressfreedom")
            comment.width, comment.height = 420, 200
            cell.comment = comment
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = 28 if c.kind in ("text", LIST) else 16
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
            if c.kind == VOCAB and c.vocab is not None:
                dv = DataValidation(type="list", formula1=f"={ranges[c.vocab.name]}", allow_blank=True)
                dv.errorStyle = "warning"  # a code or a label in another language may be typed too
                dv.error = "Not in the list: the ETL also reads the code or a label in en/ru/az."
                dv.prompt = c.name
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        for i, row in enumerate(rows, start=2):
            for j, (c, value) in enumerate(zip(spec.columns, row, strict=True), start=1):
                value = as_label(c, value, lang)
                if value is None:
                    continue
                cell = ws.cell(row=i, column=j)
                cell.value = value
                cell.number_format = TEXT_FORMAT
                cell.data_type = "s"  # a string, even when it starts with '='
        ws.freeze_panes = "A2"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
