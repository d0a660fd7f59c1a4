"""What-if scorecard: move the signals, watch the score, the band, the drivers and the next steps."""

import streamlit as st

from pages.ui.common.identity import ask_name
from pages.ui.common.shell import require_app_shell
from pages.ui.common.state import all_models
from pages.ui.scorecard.actions import recommended_actions
from pages.ui.scorecard.charts import drivers_chart
from pages.ui.scorecard.custom import custom_model_editor, show_toast
from pages.ui.scorecard.inputs import (
    bonus_toggles,
    event_toggles,
    missing_signals,
    model_picker,
    reset_buttons,
    signal_sliders,
)
from pages.ui.scorecard.levers import what_it_takes
from pages.ui.scorecard.links import (
    dropped_link_warning,
    ignored_parameters,
    keep_address_in_step,
    linked_account,
    share_link,
)
from pages.ui.scorecard.state import follow_link, prepare
from pages.ui.scorecard.summary import headline
from scoring.actions import playbooks, recommend
from scoring.catalog import DEFAULT_MODEL_ID
from scoring.engine import score

require_app_shell()
st.title("What-if scorecard")
ask_name()
show_toast()
models = all_models()
events = playbooks().events
event_ids = [e.id for e in events]
ignored_parameters(follow_link(models, DEFAULT_MODEL_ID, event_ids))
dropped_link_warning()

pick, buttons = st.columns([3, 4], vertical_alignment="bottom")
with pick:
    model = model_picker(models)
start = prepare(model)
with buttons.container(horizontal=True, vertical_alignment="bottom"):
    reset_buttons(model, start.linked, event_ids)
    share_box = st.popover("Share", icon=":material/share:", help="A link that opens this page on these values.")

linked_account()
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
keep_address_in_step(model, values, bonuses, happened, DEFAULT_MODEL_ID)
with results:
    headline(model, card, start)
    st.subheader("Score drivers")
    drivers_chart(model, card)

with share_box:
    share_link(model.id, values, bonuses, happened)

st.subheader("Recommended actions")
recommended_actions(recommend(model, card, happened), card.score_band)
# Full width: in half the page the table cut off "99% (+14 percentage points)" and hid its last column.
st.subheader("What it takes")
what_it_takes(model, values, bonuses, card)

with st.expander("Custom models: change the weights, download as TOML", icon=":material/tune:"):
    custom_model_editor(model)
