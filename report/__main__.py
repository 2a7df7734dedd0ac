"""``python -m report --lang en|ru|az [--from YYYY-MM] [--to YYYY-MM] [--out DIR] [--data DIR]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pressfreedom.chart_images import ExportError, ExportUnavailable
from pressfreedom.documents.compose import make_deck, make_report
from pressfreedom.filters import month_end, parse_month
from pressfreedom.query import Query
from pressfreedom.vocab import LANGUAGES


def _month(text: str):
    value = parse_month(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m report", description=__doc__)
    ap.add_argument("--lang", choices=LANGUAGES, default="en")
    ap.add_argument("--from", dest="start", type=_month, help="first month, YYYY-MM (default: the dashboard's)")
    ap.add_argument("--to", dest="end", type=_month, help="last month, YYYY-MM (default: the dashboard's)")
    ap.add_argument("--out", type=Path, default=Path("out"), help="output folder (default out/)")
    ap.add_argument("--data", type=Path, help="compiled data folder (default data/processed)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    try:
        query = Query(args.data)
    except FileNotFoundError as e:
        print(f"report: {e}", file=sys.stderr)
        return 2
    f = query.default_filters(lang=args.lang)
    f = f.with_(start=args.start or f.start, end=month_end(args.end) if args.end else f.end)
    args.out.mkdir(parents=True, exist_ok=True)

    report_path = args.out / "report.html"
    report_path.write_bytes(make_report(query, f))
    print(
        f"report: wrote {report_path} ({report_path.stat().st_size / 2**20:.2f} MiB, {f.lang}, {f.start:%Y-%m} – {f.end:%Y-%m})"
    )
    deck_path = args.out / "slides.pptx"
    try:
        deck_path.write_bytes(make_deck(query, f))
    except ExportUnavailable as e:
        print(f"report: slides.pptx not written — {e}", file=sys.stderr)
        return 3
    except ExportError as e:
        print(f"report: slides.pptx not written — {e}", file=sys.stderr)
        return 1
    print(f"report: wrote {deck_path} ({deck_path.stat().st_size / 2**20:.2f} MiB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
