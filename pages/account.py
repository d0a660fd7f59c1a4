"""One page per account: its score now, its line over time, why it last moved, its checklists and actions."""

from datetime import date

import streamlit as st

from pages.ui.account import revenue_flags, sections
from pages.ui.account.source import current_book, pick_account
from pages.ui.common.shell import require_app_shell
from pages.ui.common.text import plain
from pages.ui.issues.panel import account_issues
from pages.ui.portfolio.changes import freshness_note, known_snapshots
from scoring.portfolio.contract import account_scorecard

require_app_shell()
today = date.today()
found = known_snapshots()  # before the book: an empty store gets the demo snapshots first, as on any later visit
book = current_book()
row = pick_account(book)
if row is None:
    st.title("Account")
    st.info("No accounts to show: upload exports on the portfolio page.", icon=":material/person_search:")
    st.stop()

st.title(plain(row["account_name"]))
freshness_note(found, today)
scored = account_scorecard(book.model, row)
sections.headline(book, row, scored)
sections.scorecard_link(book, row)

st.subheader("Score over time", anchor=False)
sections.timeline(book, row, found)
st.subheader("Why it moved", anchor=False)
sections.why_it_moved(book, row, found)

if scored is not None:
    left, right = st.columns(2)
    with left:
        st.subheader("Drivers", anchor=False)
        sections.drivers(book.model, scored, row)
    with right:
        st.subheader("Recommended actions", anchor=False)
        sections.actions(book.model, scored)

revenue_flags.section(str(row["account_id"]))

st.subheader("Checklists", anchor=False)
sections.checklists(row, today)

st.subheader("Customer issues", anchor=False)
account_issues(str(row["account_id"]), str(row["account_name"]))
