"""The QBR part of the portfolio page: the tracker, one account's notes, and the pack to download.

The pack is built by ``scoring.qbr`` from the scored row, the month-by-month
history and the notes saved here (the same functions as ``python -m scoring
qbr``).  Notes are saved per account and quarter when the form is
submitted; widgets are keyed per account and quarter, so switching either
shows that pair's saved notes.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.text import count, plain
from pages.ui.portfolio.keys import (
    QBR_ACCOUNT_KEY,
    QBR_ARR_THRESHOLD_KEY,
    QBR_FAILED_KEY,
    QBR_QUARTER_KEY,
    QBR_RHYTHM_KEY,
    qbr_field_key,
)
from pages.ui.portfolio.revenue_columns import columns
from scoring.formatting import money_full, share
from scoring.model import Model
from scoring.qbr.chart import drivers_chart, drivers_png
from scoring.qbr.markdown import to_markdown
from scoring.qbr.notes import QbrNotesError, held_in, load_notes, load_profiles, save_notes, save_profile
from scoring.qbr.pack import as_of_quarter, build_pack
from scoring.qbr.quarters import Quarter
from scoring.qbr.records import AccountProfile, QbrNotes
from scoring.qbr.slides import to_pptx
from scoring.qbr.tracker import DEFAULT_ARR_THRESHOLD, qbr_tracker
from scoring.revenue.extras import Extras
from scoring.storage import Store
from scoring.wording import counted

NOTE_LABELS = {
    "achievements": "Achievements this quarter (one per line, each with its figure)",
    "time_saved": "Time saved",
    "cost_reduction": "Cost reduction",
    "other_impact": "Other impact",
    "risks": "Open risks and issues (one per line)",
    "goals": "Goals for next quarter (one per line, each with its measure)",
}
CHART_TITLE = "Points each signal earned"


def quarter_picker(as_of: date | None) -> Quarter:
    """The quarter the data ends in, the one after and the three before."""
    current = as_of_quarter(as_of)
    options = [current.next(), current]
    for _ in range(3):
        options.append(options[-1].previous())
    labels = [str(q) for q in options]
    picked = st.selectbox(
        "Quarter", labels, index=1, key=QBR_QUARTER_KEY, persist_state="session", help="Calendar quarters."
    )
    return Quarter.parse(picked or labels[1])


def tracker_section(view: pd.DataFrame, quarter: Quarter, store: Store) -> None:
    """Accounts above the ARR threshold whose QBR is due this quarter, and how many were held."""
    left, right = st.columns(2)
    threshold = left.number_input(
        "ARR threshold for a QBR ($)",
        min_value=0.0,
        value=DEFAULT_ARR_THRESHOLD,
        step=10_000.0,
        format="%.0f",
        key=QBR_ARR_THRESHOLD_KEY,
        persist_state="session",
        help="Accounts at or above this ARR get a QBR; seed 004 aims for every one of them each quarter.",
    )
    left.caption(f"Accounts with {money_full(threshold)} ARR or more.")  # the box cannot group thousands
    rhythm = right.radio(
        "Rhythm",
        ["quarterly", "months 3/6/9"],
        horizontal=True,
        key=QBR_RHYTHM_KEY,
        persist_state="session",
        help="Every quarter, or at months 3, 6 and 9 after the customer started (needs the customer-since date).",
    )
    try:
        held, profiles = held_in(store, str(quarter)), load_profiles(store)
    except QbrNotesError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    tracker = qbr_tracker(
        view, quarter, held, profiles, float(threshold), "quarterly" if rhythm == "quarterly" else "months 3/6/9"
    )
    rate = tracker.completion
    a, b = st.columns(2)
    a.metric(f"QBRs due in {quarter}", count(len(tracker.due), "account"))
    b.metric(
        "Completion rate",
        "none due" if rate is None else share(rate),
        help="QBRs marked held (in the notes below) over QBRs due; the target is 100%.",
    )
    if len(tracker.due):
        shown = tracker.due.copy()
        shown["held"] = shown["held"].map({True: "held", False: "not yet"})
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=columns(
                reason=st.column_config.TextColumn("Why due"),
                held=st.column_config.TextColumn("QBR"),
            ),
        )
    if len(tracker.undated):
        st.info(
            f"{counted(len(tracker.undated), 'account above the threshold has', 'accounts above the threshold have')} "
            "no customer-since date, so months "
            "3/6/9 cannot be placed: set it in the account details below.",
            icon=":material/event:",
        )
    if tracker.no_arr:
        left_out = counted(tracker.no_arr, "account without ARR is", "accounts without ARR are")
        st.caption(f"{left_out} left out: add an ARR column to the export.")


def account_picker(view: pd.DataFrame) -> pd.Series:
    """One account of the current view, remembered for the session."""
    ids = view["account_id"].astype(str).tolist()
    names = dict(zip(ids, view["account_name"].astype(str), strict=True))
    if st.session_state.get(QBR_ACCOUNT_KEY) not in ids:
        st.session_state.pop(QBR_ACCOUNT_KEY, None)
    picked = st.selectbox(
        "Account",
        ids,
        key=QBR_ACCOUNT_KEY,
        format_func=lambda i: f"{names[i]} ({i})",
        persist_state="session",
    )
    return view[view["account_id"].astype(str) == (picked or ids[0])].iloc[0]


def _failed(message: str) -> None:
    st.session_state[QBR_FAILED_KEY] = message


def _save_profile(store: Store, account: str) -> None:
    """The details form's submit, run before the page so the tracker and the pack see the change."""
    since = st.session_state.get(qbr_field_key(account, "", "customer_since"))
    tier = st.session_state.get(qbr_field_key(account, "", "reference_tier"))
    try:
        save_profile(store, account, AccountProfile(since if isinstance(since, date) else None, tier))
        st.toast("Account details saved.", icon=":material/check:")
    except QbrNotesError as exc:
        _failed(str(exc))


def _save_notes(store: Store, account: str, quarter: str) -> None:
    """The notes form's submit, run before the page so the tracker and the pack see the change."""
    typed = {field: str(st.session_state.get(qbr_field_key(account, quarter, field)) or "") for field in NOTE_LABELS}
    held_on = st.session_state.get(qbr_field_key(account, quarter, "held_on"))
    try:
        save_notes(store, account, quarter, QbrNotes(**typed, held_on=held_on if isinstance(held_on, date) else None))
        st.toast("Notes saved.", icon=":material/check:")
    except QbrNotesError as exc:
        _failed(str(exc))


def _details_form(account: str, store: Store, profile: AccountProfile) -> None:
    with st.form(f"portfolio:qbr_profile:{account}"):
        st.markdown("**Account details**")
        left, right = st.columns(2)
        left.date_input(
            "Customer since",
            value=profile.customer_since,
            min_value=date(1990, 1, 1),
            key=qbr_field_key(account, "", "customer_since"),
            format=DATE_INPUT_FORMAT,
        )
        tiers = [None, 1, 2, 3]
        right.selectbox(
            "Reference tier",
            tiers,
            index=tiers.index(profile.reference_tier),
            format_func=lambda t: "none" if t is None else f"tier {t}",
            key=qbr_field_key(account, "", "reference_tier"),
        )
        st.form_submit_button(
            "Save account details", icon=":material/save:", on_click=_save_profile, args=(store, account)
        )


def _notes_form(account: str, quarter: Quarter, store: Store, notes: QbrNotes) -> None:
    with st.form(f"portfolio:qbr_notes:{account}:{quarter}"):
        st.markdown(f"**Notes for {quarter}** (only you know these; the pack never makes them up)")
        for field, label in NOTE_LABELS.items():
            st.text_area(label, value=getattr(notes, field), key=qbr_field_key(account, str(quarter), field))
        st.date_input(
            "QBR held on (leave empty until it has taken place)",
            value=notes.held_on,
            key=qbr_field_key(account, str(quarter), "held_on"),
            format=DATE_INPUT_FORMAT,
        )
        st.form_submit_button(
            "Save notes", icon=":material/save:", on_click=_save_notes, args=(store, account, str(quarter))
        )


def pack_section(
    model: Model, row: pd.Series, history: pd.DataFrame, found: Extras, quarter: Quarter, store: Store
) -> None:
    """Notes, account details, and the pack as Markdown, PowerPoint and PNG downloads."""
    account = str(row["account_id"])
    try:
        notes, profile = load_notes(store, account, str(quarter)), load_profiles(store).get(account, AccountProfile())
    except QbrNotesError as exc:
        st.error(str(exc), icon=":material/error:")
        notes, profile = QbrNotes(), AccountProfile()
    failed = st.session_state.pop(QBR_FAILED_KEY, None)
    if failed:
        st.error(failed, icon=":material/error:")
    _details_form(account, store, profile)
    _notes_form(account, quarter, store, notes)
    active, licensed = found.seats(account)
    own = history[history["account_id"].astype(str) == account] if len(history) else history
    pack = build_pack(model, row.to_dict(), own, quarter, notes, profile, active, licensed)
    stem = f"qbr-{account}-{quarter}"
    chart_name = f"{stem}-health.png" if pack.drivers else None
    markdown = to_markdown(pack, chart_name)
    if pack.gaps:
        st.caption(
            f"{count(len(pack.gaps), 'part')} of the pack need your input: "
            + "; ".join(plain(g.section) for g in pack.gaps)
        )
    # The PNG (and the deck that holds it) is drawn only when asked for: vl-convert
    # takes seconds, and the page should not pay for it on every rerun.
    a, b, c = st.columns(3)
    a.download_button(
        "Download as Markdown",
        markdown,
        file_name=f"{stem}.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
    )
    b.download_button(
        "Download as PowerPoint",
        lambda: to_pptx(pack, drivers_png(pack.drivers, CHART_TITLE) if pack.drivers else None),
        file_name=f"{stem}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        icon=":material/slideshow:",
        on_click="ignore",
    )
    if pack.drivers and chart_name:
        c.download_button(
            "Download the chart (PNG)",
            lambda: drivers_png(pack.drivers, CHART_TITLE),
            file_name=chart_name,
            mime="image/png",
            icon=":material/bar_chart:",
            on_click="ignore",
        )
        st.altair_chart(drivers_chart(pack.drivers, CHART_TITLE), width="content")
    with st.expander("Preview the Markdown"):
        st.code(markdown, language="markdown", wrap_lines=True)
