"""Court outcomes: by month and outcome, convictions vs acquittals, sentence lengths, fines, charges, list."""

import pandas as pd
import streamlit as st

from pressfreedom import figures, i18n, selection
from pressfreedom.vocab import OUTCOME
from webapp import app, sections

KIND = "court_outcome"

# 1. select → get data
f = sections.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.court", lg))
incidents = app.data("incidents", f)
k = app.data("kpis", f)
cases = app.data("court_cases", f)
fines = app.data("fines", f)
drill = selection.Drill(incidents)
people = f.count == "people"

decisions, terms = figures.court_cards(k, fines, f)
sections.figure_row(decisions)
sections.figure_row(terms, columns=3)

# 2. by month and outcome
monthly = figures.kind_monthly(app.data, f, KIND, "subcategory", events=app.show_events(), incidents=incidents)
selected = sections.monthly_chart(monthly, f, "subcategory", key="chart-court")
if monthly.note:
    st.caption(app.plain(monthly.note))
drill.narrow(
    selection.ids_by_month(incidents, selected, "subcategory", f.time_grain),
    selection.selection_words(selected, "subcategory", f, OUTCOME),
)


def case_ids(keys) -> set[str]:
    """Every decision of the given cases (first conviction, appeals, verdict)."""
    return set(app.data("case_incident_ids", f, tuple(sorted(keys))))


# 3. convictions vs acquittals (per case, after appeals) and sentence lengths
def narrow_to_cases(selected: list[list], counts, label) -> None:
    """A selection of bars (verdicts, sentence bins) narrows the list to every decision of their cases."""
    if selected:
        chosen = [s[0] for s in selected]
        members = counts.set_index("key")["case_keys"]
        keys = [c for b in chosen if b in members for c in members[b]]
        drill.narrow(case_ids(keys), ", ".join(label(b, lg) for b in chosen))


verdicts, bins = figures.verdict_counts(cases), figures.sentence_bins(cases)
left, right = st.columns(2)
with left:
    kf = figures.verdicts_figure(f, verdicts, incidents, width_hint=sections.half())
    narrow_to_cases(app.chart(kf, key="chart-verdicts", select=True), verdicts, figures.verdict_label)
with right:
    kf = figures.sentences_figure(f, bins, incidents, k, width_hint=sections.half())
    narrow_to_cases(app.chart(kf, key="chart-sentences", select=True), bins, figures.sentence_bin_label)

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
        width_hint=sections.half(),
    )
    sel = app.chart(charges, key="chart-court-charges", select=True)
    drill.narrow(selection.ids_by_key(incidents, sel, "charge"), selection.key_words(sel, None, lg))

# 5. which offences people are charged with, by year (detentions and court decisions alike)
offences = figures.offences_figure(
    app.data, f, app.data("incidents", f.with_(categories=("detention", "court_outcome")))
)
app.chart(offences, key="chart-court-offences")
st.caption(offences.note)

# 6. the decisions behind the numbers: court, charge, sentence, appeals
sections.incident_section(drill, f, key="court", kind=KIND, stem="court-outcomes")
