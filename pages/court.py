"""Court outcomes: by month and outcome, convictions vs acquittals, sentence lengths, fines, charges, list."""

import pandas as pd
import streamlit as st

from pfd import app, charts, i18n, views
from pfd.vocab import OUTCOME
from report import figures

KIND = "court_outcome"
# sentence-length bins in months: (key, lower bound inclusive, upper bound exclusive)
BINS = (("lt1", 0, 12), ("1-3", 12, 36), ("3-5", 36, 60), ("5-7", 60, 84), ("7-10", 84, 120), ("10+", 120, None))

# 1. select → get data
f = views.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.court", lg))
incidents = app.data("incidents", f)
k = app.data("kpis", f)
cases = app.data("court_cases", f)
fines = app.data("fines", f)
drill = views.Drill(incidents)
people = f.count == "people"

views.figure_row(
    lg,
    [
        ("court.decisions", k["court_outcomes"], None),
        ("kpi.convictions", k["convictions_people" if people else "convictions"], "kpi.help_convictions"),
        ("court.acquittals", k["acquittals"], "court.help_acquittals"),
    ],
)
views.figure_row(
    lg,
    [
        ("kpi.prison_years", views.rounded(k["prison_years"], 1), "kpi.help_prison", 1),
        ("court.fines", int(fines["fines"].sum()) if len(fines) else 0, None),
    ],
    columns=3,
)

# 2. by month and outcome
monthly = figures.kind_monthly(app.data, f, KIND, "subcategory", events=app.show_events(), incidents=incidents)
selected = views.monthly_chart(monthly, f, "subcategory", key="chart-court")
if monthly.note:
    st.caption(app.plain(monthly.note))
drill.narrow(
    views.ids_by_month(incidents, selected, "subcategory"), views.selection_words(selected, "subcategory", f, OUTCOME)
)


def case_ids(keys) -> set[str]:
    """Every decision of the given cases (first conviction, appeals, verdict)."""
    return set(app.data("case_incident_ids", f, tuple(sorted(keys))))


# 3. convictions vs acquittals (per case, after appeals) and sentence lengths
left, right = st.columns(2)
with left:
    statuses = ("conviction", "overturned", "acquittal")
    counts = cases["status"].value_counts() if len(cases) else pd.Series(dtype="int64")
    data = pd.DataFrame({"key": statuses, "n": [int(counts.get(s, 0)) for s in statuses]})
    n = int(data["n"].sum())
    verdicts_source = charts.source_line(app.source_names(incidents), n, lg, "cases")
    sel = app.chart(
        app.builder(
            charts.column_bars,
            data,
            title=i18n.t("court.verdicts_title", lg),
            caption=i18n.t("court.verdicts_caption", lg, count=n, period=i18n.period_label(f.start, f.end, lg)),
            source=verdicts_source,
            lang=lg,
            labels={s: i18n.t(f"court.status_{s}", lg) for s in statuses},
            kind=KIND,
            y_title=i18n.t("court.y_cases", lg),
            width_hint=views.HALF,
        ),
        key="chart-verdicts",
        select=True,
    )
    if sel:
        chosen = {s[0] for s in sel}
        drill.narrow(
            case_ids(cases.loc[cases["status"].isin(chosen), "case_key"]),
            ", ".join(i18n.t(f"court.status_{s}", lg) for s in chosen),
        )
with right:
    custodial = cases[(cases["status"] == "conviction") & cases["custodial"]] if len(cases) else cases
    months = custodial["sentence_months"] if len(custodial) else pd.Series(dtype="float64")
    bin_of = {}
    for key, lo, hi in BINS:
        hit = months[(months >= lo) & ((months < hi) if hi is not None else True)]
        bin_of[key] = list(custodial.loc[hit.index, "case_key"])
    unknown = list(custodial.loc[months.isna(), "case_key"]) if len(custodial) else []
    labels = {
        key: (
            i18n.t("court.bin_lt1", lg)
            if key == "lt1"
            else i18n.t("court.bin_10plus", lg)
            if key == "10+"
            else i18n.t("court.bin_range", lg, a=lo // 12, b=hi // 12)
        )
        for key, lo, hi in BINS
    }
    if unknown:
        labels["unknown"] = i18n.t("court.bin_unknown", lg)
        bin_of["unknown"] = unknown
    bins = pd.DataFrame({"key": list(bin_of), "n": [len(v) for v in bin_of.values()]})
    sentences_source = charts.source_line(app.source_names(incidents), len(custodial), lg, "cases")
    sel = app.chart(
        app.builder(
            charts.column_bars,
            bins,
            title=i18n.t("court.sentences_title", lg),
            caption=i18n.t(
                "court.sentences_caption",
                lg,
                sentences=i18n.t("court.n_sentences", lg, count=len(custodial)),
                years=i18n.t("court.n_years", lg, count=views.rounded(k["prison_years"], 1)),  # the KPI's figure
                period=i18n.period_label(f.start, f.end, lg),
            ),
            source=sentences_source,
            lang=lg,
            labels=labels,
            kind=KIND,
            y_title=i18n.t("court.y_sentences", lg),
            width_hint=views.HALF,
            uniform=True,
        ),
        key="chart-sentences",
        select=True,
    )
    if sel:
        chosen = {s[0] for s in sel}
        drill.narrow(case_ids([c_ for b in chosen for c_ in bin_of.get(b, [])]), ", ".join(labels[b] for b in chosen))

# 4. fines by currency, and the charges
left, right = st.columns(2)
with left:
    st.subheader(i18n.t("court.fines_title", lg))
    if fines.empty:
        st.info(i18n.t("court.no_fines", lg))
    else:
        app.table(
            pd.DataFrame(
                {
                    i18n.t("court.currency", lg): [
                        c_ or i18n.t("court.currency_not_stated", lg) for c_ in fines["currency"]
                    ],
                    i18n.t("court.fines", lg): fines["fines"].astype(int),
                    i18n.t("court.fine_total", lg): [
                        "—" if n == none else i18n.number(x, lg)
                        for x, n, none in zip(fines["total"], fines["fines"], fines["no_amount"], strict=True)
                    ],
                    i18n.t("court.fine_no_amount", lg): fines["no_amount"].astype(int),
                }
            ),
            hide_index=True,
            width="stretch",
            key="fines",
        )
        st.caption(i18n.t("court.fines_note", lg))
with right:
    charges = figures.breakdown_figure(
        app.data,
        f,
        "court_charge",
        i18n.t("court.charges_title", lg),
        "court-charges",
        incidents,
        None,
        KIND,
        top=12,
        width_hint=views.HALF,
    )
    sel = app.chart(charges, key="chart-court-charges", select=True)
    drill.narrow(views.ids_by_key(incidents, sel, "charge"), views.key_words(sel, None, lg))

# 5. the decisions behind the numbers: court, charge, sentence, appeals
views.incident_section(drill, f, key="court", kind=KIND, stem="court-outcomes")
