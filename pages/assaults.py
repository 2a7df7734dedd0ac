"""Physical assaults: by month (and context or type), perpetrators, injuries and equipment damage, list."""

import pandas as pd
import streamlit as st

from pressfreedom import charts, figures, i18n, selection
from pressfreedom.vocab import ASSAULT_CONTEXT, ASSAULT_TYPE, PERPETRATOR, YES_NO_UNKNOWN
from webapp import app, sections

KIND = "physical_assault"

# 1. select → get data
f = sections.page_filters(KIND)
lg = f.lang
st.header(i18n.t("page.assaults", lg))
incidents = app.data("incidents", f)
k = app.data("kpis", f)
drill = selection.Drill(incidents)

harm = {q: app.data("breakdown", f, q) for q in ("injured", "equipment")}
sections.figure_row(figures.assault_cards(k, harm, f))

# 2. by month, broken down by context (default) or by type
by = st.segmented_control(
    i18n.t("assaults.break_down_by", lg),
    ("context", "subcategory"),
    format_func=lambda x: i18n.t(f"assaults.by_{x}", lg),
    default="context",
    key="assaults-by",
)
by = by or "context"
vocab = ASSAULT_CONTEXT if by == "context" else ASSAULT_TYPE
monthly = figures.kind_monthly(app.data, f, KIND, by, events=app.show_events(), incidents=incidents)
selected = sections.monthly_chart(monthly, f, by, key=f"chart-assaults-{by}")
if monthly.note:
    st.caption(app.plain(monthly.note))
drill.narrow(
    selection.ids_by_month(incidents, selected, by, f.time_grain), selection.selection_words(selected, by, f, vocab)
)

# 3. perpetrators, and injuries / equipment damage
left, right = st.columns(2)
with left:
    perpetrators = figures.breakdown_figure(
        app.data,
        f,
        "perpetrator",
        i18n.t("assaults.perpetrators_title", lg),
        "assaults-perp",
        incidents,
        PERPETRATOR,
        KIND,
        width_hint=sections.half(),
    )
    sel = app.chart(perpetrators, key="chart-assaults-perp", select=True)
    drill.narrow(selection.ids_by_key(incidents, sel, "perpetrator"), selection.key_words(sel, PERPETRATOR, lg))
with right:
    questions = {"injured": i18n.t("assaults.injured", lg), "equipment": i18n.t("assaults.equipment", lg)}
    data = pd.concat([d.assign(question=q) for q, d in harm.items()], ignore_index=True)
    n = k["assaults_people"] if f.count == "people" else k["assaults"]
    harm_source = charts.source_line(app.source_names(incidents), n, lg, f.count)
    sel = app.chart(
        app.builder(
            charts.answer_bars,
            data,
            title=i18n.t("assaults.harm_title", lg),
            caption=f.caption(n),
            source=harm_source,
            lang=lg,
            questions=questions,
            answers=YES_NO_UNKNOWN,
            kind=KIND,
            x_title=i18n.t(f"chart.y_{f.count}", lg),
            width_hint=sections.half(),
        ),
        key="chart-assaults-harm",
        select=True,
    )
    column = {"injured": "injured", "equipment": "equipment_damaged_or_seized"}
    for q in {s[0] for s in sel}:
        chosen = [[s[1]] for s in sel if s[0] == q]
        drill.narrow(
            selection.ids_by_key(incidents, chosen, column[q]),
            f"{questions[q]}: {selection.key_words(chosen, YES_NO_UNKNOWN, lg)}",
        )

# 4. the incidents behind the numbers
sections.incident_section(drill, f, key="assaults", kind=KIND, stem="assaults")
