"""The expansion part of the portfolio page: who is ready for the conversation, what to say, who could be a reference.

Scored by ``scoring.revenue.expansion`` from the catalog's signals; this
module lays out the threshold, the ready list with each account's next step,
the signals legend (what fed each one, or which column would) and the
reference-programme candidates.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from pages.ui.common.text import count, money, plain
from pages.ui.portfolio.keys import EXPANSION_THRESHOLD_KEY
from pages.ui.portfolio.revenue_columns import columns
from scoring.formatting import money_full
from scoring.portfolio.kpis import arr_sum
from scoring.revenue.expansion import (
    CONVERSATION,
    ExpansionRules,
    expansion_rules,
    reference_candidates,
    score_expansion,
)
from scoring.revenue.extras import Extras
from scoring.revenue.flags import merged


def _money_text(values: pd.Series) -> pd.Series:
    """ARR as text, with 'no data' where the export has none (never $0)."""
    return values.map(money_full)


def _legend(rules: ExpansionRules, found: Extras, hand_set: Mapping[str, frozenset[str]]) -> None:
    rows = []
    for s in rules.signals:
        on_page = sum(1 for ids in hand_set.values() if s.id in ids)
        if s.source == "seats":
            fed = "computed: active users over licensed seats"
        elif s.source == "renewal":
            fed = "computed: renewal date"
        elif s.id in found.flag_columns:
            fed = f"column '{found.flag_columns[s.id]}'"
        else:
            fed = f"no column yet: add a yes/no column named {s.columns[0]}"
        if s.source == "flag":
            fed += f"; set on the account page for {count(on_page, 'account')}"
        rows.append({"signal": s.label, "points": s.points, "fed by": fed, "step": s.action})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def expansion_section(view: pd.DataFrame, found: Extras, hand_set: Mapping[str, frozenset[str]]) -> None:
    """Threshold, the ready list with each account's next step, and the signals legend.

    ``hand_set`` holds the signals CSMs set on the account page; they count
    like an export's yes/no column.
    """
    rules = expansion_rules()
    threshold = int(
        st.number_input(
            "Points needed",
            min_value=1,
            max_value=sum(s.points for s in rules.signals),
            value=rules.threshold,
            step=1,
            key=EXPANSION_THRESHOLD_KEY,
            help=f"Signal points at which an account is worth an expansion conversation, once it has been green "
            f"for {rules.green_days} days or more.",
            persist_state="session",
        )
    )
    scored = score_expansion(view, merged(found.flags, hand_set), rules, threshold)
    ready = scored[scored["ready"]]
    waiting = scored[(scored["points"] >= threshold) & ~scored["ready"]]
    a, b, c = st.columns(3)
    a.metric("Expansion-ready", count(len(ready), "account"))
    b.metric("Their ARR", money(arr_sum(scored["arr"], scored["ready"])))  # money writes None as 'no data'
    c.metric(
        f"Signals strong, not yet {rules.green_days} days green",
        count(len(waiting), "account"),
        help="Raise expansion only once the customer has been green for a while: an early ask is the usual "
        "reason it is turned down.",
    )
    if ready.empty:
        st.info(
            f"No account has {threshold}+ points and {rules.green_days}+ days in green yet. Lower the points "
            "needed, set the signals you know of on each account's page, or add the yes/no columns listed "
            "below to your exports so more signals count.",
            icon=":material/info:",
        )
    else:
        shown = ready[["account_id", "account_name", "score", "arr", "points", "signals", "next_step"]].copy()
        shown["arr"] = _money_text(shown["arr"])
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=columns(
                arr=st.column_config.TextColumn("ARR"),
                points=st.column_config.NumberColumn("Points"),
                signals=st.column_config.TextColumn(
                    "Signals",
                    width=260,  # two signals' labels in full beside a whole next step, at 1,400 px
                    help="The signals that earned the points; hover a cell to read a longer list in full.",
                ),
                next_step=st.column_config.TextColumn("Next step", width="large"),
            ),
        )
    with st.expander("How to run the conversation"):
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(CONVERSATION, 1)))
    with st.expander("The signals, their points and what feeds them"):
        _legend(rules, found, hand_set)


def references_section(view: pd.DataFrame, found: Extras, agreed: Mapping[str, int]) -> None:
    """The tiers with how many accounts shown agreed to each, and promoters in green suggested for the programme.

    ``agreed`` is the tier set per account on the account page or in the QBR details.
    """
    rules = expansion_rules()
    shown_ids = set(view["account_id"].astype(str))
    in_view = [tier for account, tier in agreed.items() if account in shown_ids]
    tiers = pd.DataFrame(
        [{"tier": t.tier, "name": t.name, "asks": t.asks, "agreed": in_view.count(t.tier)} for t in rules.tiers]
    )
    st.dataframe(
        tiers,
        hide_index=True,
        width="stretch",
        column_config={
            "tier": st.column_config.NumberColumn("Tier"),
            "name": st.column_config.TextColumn("Name"),
            "asks": st.column_config.TextColumn("What it involves"),
            "agreed": st.column_config.NumberColumn("Accounts agreed", help="Among the accounts shown."),
        },
    )
    if not found.nps:
        st.info(
            "No NPS column in these exports, so promoters cannot be suggested. Add an NPS column (0-10 or "
            "-100 to 100) to the support or survey export.",
            icon=":material/info:",
        )
        return
    fans = reference_candidates(view, found.nps, found.nps_scale, rules)
    scale = "9 or more on 0-10" if found.nps_scale == 10 else "80 or more on -100 to 100"
    st.caption(
        f"Promoters (latest NPS {scale}) who are green: {count(len(fans), 'account')}. Each starts at tier 1; "
        "set the tier you agree with the customer on the account's page or in the QBR tab's account details."
    )
    if len(fans):
        shown = fans.copy()
        shown["arr"] = _money_text(shown["arr"])
        shown["agreed_tier"] = [
            f"tier {agreed[a]}" if a in agreed else "not set" for a in shown["account_id"].astype(str)
        ]
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=columns(
                arr=st.column_config.TextColumn("ARR"),
                nps=st.column_config.NumberColumn("NPS"),
                suggested_tier=st.column_config.TextColumn("Suggested tier"),
                agreed_tier=st.column_config.TextColumn("Tier agreed"),
            ),
        )
    else:
        st.caption(f"No promoter among the {plain(len(view))} accounts shown is green.")
