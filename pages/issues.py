"""Customer issues: diagnose before prescribing, route with context, close the loop, and spot patterns."""

import streamlit as st

from pages.ui.common.identity import ask_name
from pages.ui.common.shell import require_app_shell
from pages.ui.issues import data, detail, intake, links, listing, patterns
from scoring.diagnosis.commands import tags_in_use

require_app_shell()
st.title("Customer issues")
st.caption(
    "Log what the customer said and what it really is, send it where it belongs with what that team needs, keep "
    "the date you promised, and close the loop only once the customer has heard the answer."
)
ask_name()
issues = data.issues_or_stop()
facts = data.account_facts()
data.feedback()

st.subheader("Log an issue", anchor=False)
intake.intake_form(facts, tags_in_use(issues), links.follow_link(issues))

st.subheader("Issues", anchor=False)
listing.overdue_notice(issues)
shown = listing.filters(issues)
listing.table(shown, facts)
chosen = detail.pick(shown)
if chosen is not None:
    left, right = st.columns([3, 2])
    with left:
        detail.summary(chosen, facts)
    with right:
        detail.routing(chosen, facts)
        detail.next_step(chosen)

st.subheader("Patterns", anchor=False)
st.caption(
    "The same kind of issue in the same product area on several accounts: evidence Product can weigh, where a "
    "single request is easy to set aside. Issues closed with 'not on the roadmap' still count."
)
patterns.show(issues, facts)
