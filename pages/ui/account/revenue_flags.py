"""The account page's expansion signals and reference tier: what a CSM hears in a call, set where they look.

A new department's interest, premium feature requests and rising executive
engagement are rarely export columns; set here, they count on the Renewals
& QBR page's expansion list exactly like a yes/no column would.  The
reference tier is the same field the QBR tab's account details edit.
Saving goes through ``scoring.revenue.flags`` in the submit's callback (so
the page that follows already draws the saved values); a failure is a
sentence shown once.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.common.identity import author
from pages.ui.common.state import store
from pages.ui.common.text import plain
from pages.ui.portfolio.keys import revenue_flag_key, revenue_flags_form_key
from scoring.revenue.expansion import expansion_rules
from scoring.revenue.flags import FlagError, reference_tier, save_flags, save_reference_tier, saved_flags

REVENUE_PAGE = "pages/renewals.py"
TIER = "reference_tier"
FAILED = "failed"  # a save's failure message, shown once on the next run


def _save(account_id: str, signal_ids: tuple[str, ...]) -> None:
    """The form's submit, run before the page so the saved values are what it draws."""
    ticked = {sid: bool(st.session_state.get(revenue_flag_key(account_id, sid))) for sid in signal_ids}
    tier = st.session_state.get(revenue_flag_key(account_id, TIER))
    try:
        save_flags(store(), account_id, ticked, author())
        save_reference_tier(store(), account_id, tier if isinstance(tier, int) else None)
    except FlagError as exc:
        st.session_state[revenue_flag_key(account_id, FAILED)] = str(exc)
        return
    st.toast("Expansion signals and reference tier saved.", icon=":material/check:")


def section(account_id: str) -> None:
    """Subheader, the three hand-set signals and the reference tier in one form, saved together."""
    st.subheader("Expansion signals and references", anchor=False)
    rules = expansion_rules()
    hand_set = [s for s in rules.signals if s.source == "flag"]
    failed = st.session_state.pop(revenue_flag_key(account_id, FAILED), None)
    if failed:
        st.error(plain(failed), icon=":material/error:")
    try:
        on = saved_flags(store()).get(account_id, frozenset())
        tier = reference_tier(store(), account_id)
    except FlagError as exc:
        st.error(plain(exc), icon=":material/error:")
        return
    tiers: list[int | None] = [None, *(t.tier for t in rules.tiers)]
    names = {t.tier: t.name for t in rules.tiers}
    with st.form(revenue_flags_form_key(account_id)):
        st.caption(
            "Signals you know of from calls and e-mails. Each adds its points on the expansion list; seat use "
            "and the renewal date are counted from the exports."
        )
        for s in hand_set:
            st.checkbox(
                f"{s.label} (+{s.points})",
                value=s.id in on,
                help=plain(s.explain),
                key=revenue_flag_key(account_id, s.id),
            )
        st.selectbox(
            "Reference tier",
            tiers,
            index=tiers.index(tier) if tier in tiers else 0,
            format_func=lambda t: "none" if t is None else f"Tier {t}: {names[t]}",
            help="What the customer has agreed to do as a reference; promoters in green are suggested on the "
            "Renewals & QBR page.",
            key=revenue_flag_key(account_id, TIER),
        )
        st.form_submit_button(
            "Save signals and tier",
            icon=":material/save:",
            on_click=_save,
            args=(account_id, tuple(s.id for s in hand_set)),
        )
    st.page_link(REVENUE_PAGE, label="See the expansion list", icon=":material/trending_up:")
