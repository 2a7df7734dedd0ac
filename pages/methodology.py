"""Data & methodology: definitions and counting rules (rendered from the declared rules), sources and
what each contributed, the build's manifest, full downloads, translations awaiting review."""

import pandas as pd
import streamlit as st

from pressfreedom import downloads, i18n, wording
from pressfreedom.config import load_config
from pressfreedom.vocab import (
    ALL,
    CATEGORY,
    CATEGORY_SUBCATEGORY,
    LANGUAGES,
    SOURCE_LANGUAGE,
)
from webapp import app, presentation

f = app.filters()
lg = f.lang
q = app.get_query()
config = load_config()
st.header(i18n.t("page.methodology", lg))
st.caption(i18n.t("method.intro", lg))


# 1. counting rules — rendered from the declared sets, never a second copy (the report shows the same list)
st.subheader(i18n.t("method.rules_title", lg))
paragraphs = wording.counting_rules(lg)
for p in paragraphs:
    st.markdown(f"- {app.plain(p)}")

# 2. definitions: the kinds and their types, as declared in the vocabularies
st.subheader(i18n.t("method.definitions_title", lg))
cols = st.columns(len(CATEGORY_SUBCATEGORY))
for col, (cat, (_column, vocab)) in zip(cols, CATEGORY_SUBCATEGORY.items(), strict=True):
    col.markdown(f"**{app.plain(CATEGORY.label(cat, lg))}**")
    col.markdown("\n".join(f"- {app.plain(t.label(lg))}" for t in vocab.terms))
with st.expander(i18n.t("method.all_vocabularies", lg)):
    rows = [(name, t.code, t.label(lg)) for name, v in ALL.items() for t in v.terms]
    app.table(
        pd.DataFrame(
            rows, columns=[i18n.t("method.vocabulary", lg), i18n.t("method.code", lg), i18n.t("method.label", lg)]
        ),
        hide_index=True,
        width="stretch",
        key="vocabularies",
    )

# 3. the sources and what each contributed
st.subheader(i18n.t("method.sources_title", lg))
contrib = app.data("source_contributions", f)
if contrib.empty:
    st.info(i18n.t("method.no_sources", lg))
else:
    table = pd.DataFrame(
        {
            i18n.t("method.source", lg): contrib["title"],
            i18n.t("method.incidents", lg): contrib["incidents"].astype(int),
            **{CATEGORY.label(c, lg): contrib[c].astype(int) for c in CATEGORY.codes},
            i18n.t("method.figures", lg): contrib["figures"].astype(int),
            i18n.t("method.coverage", lg): [
                f"{i18n.day_label(s, lg)} – {i18n.day_label(e, lg)}" if s and e else i18n.t("method.no_coverage", lg)
                for s, e in zip(contrib["coverage_start"], contrib["coverage_end"], strict=True)
            ],
            i18n.t("method.publisher", lg): contrib["publisher"],
            i18n.t("method.published_on", lg): [i18n.day_label(d, lg) if d else "" for d in contrib["published_on"]],
            i18n.t("method.language", lg): [SOURCE_LANGUAGE.label(x, lg) for x in contrib["language"]],
            i18n.t("method.licence", lg): contrib["licence"].fillna(""),
            "URL": contrib["url"].fillna(""),
        }
    )
    app.table(
        table,
        hide_index=True,
        width="stretch",
        key="sources",
        column_config={"URL": st.column_config.LinkColumn("URL")},
    )
    st.caption(i18n.t("method.sources_note", lg))

# 4. this build: manifest (rows, rejects, build time)
st.subheader(i18n.t("method.build_title", lg))
m = q.manifest_summary()
st.markdown(
    app.plain(
        i18n.t(
            "method.build_line",
            lg,
            build=m["build_id"],
            built=str(m["built_at"]).replace("T", " ")[:19],
            incidents=i18n.t("caption.n_incidents", lg, count=m["outputs"].get("incidents.parquet", 0)),
            rejected=i18n.t("method.n_rejected", lg, count=m["rejected_rows"]),
        )
    )
)
inputs = pd.DataFrame(
    [
        (name, int(v.get("rows") or 0), int(m["rejected_by_file"].get(name, 0)), str(v.get("sha256", ""))[:16] + "…")
        for name, v in m["inputs"].items()
    ],
    columns=[i18n.t("method.input", lg), i18n.t("method.rows", lg), i18n.t("method.rejected", lg), "sha256"],
)
outputs = pd.DataFrame(list(m["outputs"].items()), columns=[i18n.t("method.output", lg), i18n.t("method.rows", lg)])
left, right = st.columns(2)
with left:
    app.table(inputs, hide_index=True, width="stretch", key="inputs")
with right:
    app.table(outputs, hide_index=True, width="stretch", key="outputs")
if m["rejected_by_file"]:
    st.caption(
        app.plain(
            i18n.t("method.rejected_by_file", lg)
            + " "
            + ", ".join(f"{k}: {v}" for k, v in m["rejected_by_file"].items())
        )
    )
if m["warnings"]:
    with st.expander(i18n.t("method.warnings", lg, n=len(m["warnings"]))):
        for w in m["warnings"]:
            st.markdown(f"- {app.plain(w)}")

# 5. full downloads: the whole dataset (filters do not apply)
st.subheader(i18n.t("method.downloads_title", lg))
st.caption(i18n.t("method.downloads_note", lg))
# the rows and the sources cited, counted in SQL; the incidents themselves are fetched on click only
digest = app.data("all_incidents_digest", f)
lines = downloads.about_lines(None, config, q.manifest, rows=digest["rows"], sources=digest["sources"], lang=lg)
REFERENCE = ("sources", "people", "published_figures", "events")
incident_sheet, about_sheet = i18n.t("download.sheet_incidents", lg), i18n.t("download.sheet_about", lg)
parquet = [
    q.parquet_path(n) for n in ("incidents", "assaults", "detentions", "blockings", "court_outcomes", *REFERENCE)
]


def incidents_csv() -> bytes:
    """Built on click only (in Streamlit's download thread): every incident."""
    return downloads.csv_bytes(downloads.incident_frame(q.all_incidents()), lines)


def workbook() -> bytes:
    """Built on click only (in Streamlit's download thread): the incidents and every reference table."""
    frame = downloads.incident_frame(q.all_incidents())
    sheets = {incident_sheet: frame, **{name: q.table(name) for name in REFERENCE}}
    return downloads.xlsx_bytes(sheets, lines, about_name=about_sheet)


d1, d2, d3 = st.columns(3)
d1.download_button(
    i18n.t("method.download_csv", lg),
    data=incidents_csv,
    file_name=downloads.file_name(config, None, "incidents", "csv"),
    mime="text/csv",
    on_click="ignore",
    key="full-csv",
    width="stretch",
)
d2.download_button(
    i18n.t("method.download_xlsx", lg),
    data=workbook,
    file_name=downloads.file_name(config, None, "dataset", "xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="full-xlsx",
    width="stretch",
)
d3.download_button(
    i18n.t("method.download_parquet", lg),
    data=lambda: downloads.parquet_zip(parquet, q.root / "manifest.json"),
    file_name=downloads.file_name(config, None, "parquet", "zip"),
    mime="application/zip",
    on_click="ignore",
    key="full-parquet",
    width="stretch",
)
st.caption(
    i18n.t(
        "method.licence_line",
        lg,
        licence=config.licence.get("data", ""),
        attribution=config.licence.get("attribution", ""),
    )
)

# 6. the offline report and the slide deck of the current view (filters and language apply)
st.subheader(i18n.t("export.report_title", lg))
st.caption(i18n.t("export.report_note", lg))
presentation.report_downloads(q, f, key="method-report", events=app.show_events())

# 7. translations that still await a native speaker's review
st.subheader(i18n.t("method.review_title", lg))
review = [(lang_, key, i18n.t(key, lang_)) for lang_ in LANGUAGES for key in i18n.needs_review(lang_)]
review += [
    (lang_, f"{v.name}.{t.code}", t.label(lang_))
    for v in ALL.values()
    for t in v.terms
    if t.review
    for lang_ in ("ru", "az")
]
if review:
    app.table(
        pd.DataFrame(
            review, columns=[i18n.t("sidebar.language", lg), i18n.t("method.key", lg), i18n.t("method.text", lg)]
        ),
        hide_index=True,
        width="stretch",
        key="review",
    )
else:
    st.caption(i18n.t("method.review_none", lg))
