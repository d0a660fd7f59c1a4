"""What-if scorecard: move the signals, watch the score, the band, the drivers and the next steps."""

import streamlit as st

from pages.ui.common.shell import require_app_shell
from pages.ui.common.state import all_models
from pages.ui.scorecard.actions import recommended_actions
from pages.ui.scorecard.charts import drivers_chart
from pages.ui.scorecard.custom import custom_model_editor, model_label, show_toast
from pages.ui.scorecard.inputs import bonus_toggles, event_toggles, missing_signals, signal_sliders
from pages.ui.scorecard.keys import ACCOUNT_KEY, BACK_KEY, HERE_KEY, MODEL_KEY
from pages.ui.scorecard.levers import what_it_takes
from pages.ui.scorecard.links import share_link
from pages.ui.scorecard.state import (
    PERSIST,
    follow_link,
    prepare,
    reset_to_defaults,
    reset_to_start,
)
from pages.ui.scorecard.summary import headline
from scoring.actions import playbooks, recommend
from scoring.engine import score

DEFAULT_MODEL = "technical-csm"

require_app_shell()
st.title("What-if scorecard")
show_toast()
models = all_models()
events = playbooks().events
event_ids = [e.id for e in events]

link_problems = follow_link(models, DEFAULT_MODEL, event_ids)
if link_problems:
    st.warning(
        "Some link parameters were ignored:\n" + "\n".join(f"- {p}" for p in link_problems), icon=":material/link_off:"
    )

pick, buttons = st.columns([3, 4], vertical_alignment="bottom")
model_id = pick.selectbox(
    "Health model",
    list(models),
    format_func=lambda mid: model_label(models[mid]),
    key=MODEL_KEY,
    help="Presets come from the seed playbooks; custom models are reweighted presets saved below.",
    persist_state=PERSIST,
)
model = models[model_id]
start = prepare(model)
with buttons.container(horizontal=True, vertical_alignment="bottom"):
    st.button(
        "Reset to defaults",
        on_click=reset_to_defaults,
        args=(model, event_ids),
        key=HERE_KEY,
        icon=":material/restart_alt:",
        help="Every slider back to the model's default, bonuses and events off.",
    )
    if start.linked:
        st.button(
            "Back to the linked values",
            on_click=reset_to_start,
            args=(model,),
            icon=":material/undo:",
            help="Undo your what-if changes and return to the values the link opened with.",
            key=BACK_KEY,
        )
    share_box = st.popover("Share", icon=":material/share:", help="A link that opens this page on these values.")

account = st.session_state.get(ACCOUNT_KEY)
if account:
    st.text(f"Account: {account}")
st.caption(f"{model.description} Source: {model.source}.")

inputs, results = st.columns([5, 6], gap="large")
with inputs:
    missing = missing_signals(model)
    values = signal_sliders(model, missing)
    with st.container(border=True):
        bonuses = bonus_toggles(model)
        st.caption("Events that trigger a risk playbook")
        happened = event_toggles(events)

card = score(model, values, bonuses)
with results:
    headline(model, card, score(model, start.as_dict(), start.bonuses), start.linked)
    st.subheader("Score drivers")
    drivers_chart(model, card)

with share_box:
    share_link(model.id, values, bonuses, account, happened)

actions_column, levers_column = st.columns(2, gap="large")
with actions_column:
    st.subheader("Recommended actions")
    recommended_actions(recommend(model, card, happened), card.band)
with levers_column:
    st.subheader("What it takes")
    what_it_takes(model, values, bonuses, card)

with st.expander("Custom models: change the weights, download as TOML", icon=":material/tune:"):
    custom_model_editor(model)
