"""The portfolio page's memory: save a snapshot, and see what changed between two, and why.

Every number comes from ``scoring.snapshots``; this module only lays it out.
The snapshot pickers persist through ``on_change`` (Streamlit drops widget
values on a page switch), and the heavy reads are cached on the snapshot ids,
which change whenever a snapshot is saved or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from pages.ui.common.state import store
from pages.ui.common.text import count, money, plain
from pages.ui.portfolio.keys import (
    CHANGES_NEWER_KEY,
    CHANGES_OLDER_KEY,
    CHANGES_RESCORE_KEY,
    CHANGES_SAVED_KEY,
    CHANGES_SECTION_KEY,
    CHANGES_WHY_KEY,
)
from scoring.formatting import points_number, score
from scoring.model import Model
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.snapshots import changes, history
from scoring.snapshots.capture import SnapshotError, as_of_for, model_hash, save_exports
from scoring.snapshots.demo import seed_demo
from scoring.snapshots.records import DEMO_LABEL, SnapshotInfo

BAND_ORDER = ["green", "yellow", "red", "insufficient"]
BAND_COLOURS = ["#22c55e", "#facc15", "#ef4444", "#cbd5e1"]


def snapshot_label(s: SnapshotInfo, today: date) -> str:
    """'20 Nov 2026 · technical-csm · 300 accounts · 7 days old (demo snapshots)'."""
    demo = f" ({DEMO_LABEL})" if s.label == DEMO_LABEL else ""
    return (
        f"{s.as_of:%d %b %Y} · {s.model_name} · {count(s.accounts, 'account')} · "
        f"{history.age_text(s.age_days(today))}{demo}"
    )


def known_snapshots(seed: bool = True) -> list[SnapshotInfo]:
    """Every snapshot, oldest first; with ``seed`` an empty store gets the demo pair first.

    The portfolio page passes ``seed=False`` and offers a button instead, so its first render
    on a fresh database does not score the two demo weeks as well.
    """
    found = history.snapshots(store())
    if not found and seed:
        with st.spinner("Loading the demo snapshots…"):
            seed_demo(store())
        found = history.snapshots(store())
    return found


def _seed() -> None:
    seed_demo(store())


def freshness_note(found: Sequence[SnapshotInfo], today: date) -> None:
    """Say when the newest snapshot is older than the limit (and that demo snapshots are demo)."""
    fresh = history.freshness(found, today)
    if fresh is None:
        return
    if fresh.stale:
        st.warning(
            f"The newest snapshot is {history.age_text(fresh.age_days)} (as of {fresh.newest.as_of:%d %b %Y}), "
            f"older than {fresh.limit_days} days: scores may have moved since. Upload this week's exports and "
            "save a snapshot.",
            icon=":material/history:",
        )


def _save(
    result: PortfolioResult, exports: Sequence[Export], model: Model, overrides: dict[str, str], when: date
) -> None:
    """The button's callback: save, and keep what happened for the run it triggers to show.

    A callback runs before the page does, so a rerun of the page (the app
    shell's first-request rerun, say) cannot lose the click.
    """
    try:
        saved, _ = save_exports(store(), list(exports), model, overrides, when, result=result)
    except SnapshotError as exc:
        st.session_state[CHANGES_SAVED_KEY] = ("error", str(exc))
        return
    kept = saved.snapshot
    st.session_state[CHANGES_SAVED_KEY] = (
        ("success", f"Saved snapshot {kept.id}: as of {kept.as_of:%d %b %Y}, {count(kept.accounts, 'account')}.")
        if saved.created
        else ("info", f"These files and model are already kept as snapshot {kept.id}; nothing was added.")
    )


def save_button(result: PortfolioResult, exports: Sequence[Export], model: Model, overrides: dict[str, str]) -> None:
    """Keep the scored portfolio as a snapshot (the same files and model twice keep one)."""
    when = as_of_for(result, [e.name for e in exports])
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.caption(
        f"Save this result to compare it with later uploads: as of {when:%d %b %Y}, scored with {plain(model.name)}."
    )
    right.button(
        "Save as snapshot",
        icon=":material/save:",
        help="Keeps every account's signals and score.",
        on_click=_save,
        args=(result, exports, model, overrides, when),
    )
    outcome = st.session_state.pop(CHANGES_SAVED_KEY, None)
    if outcome is None:
        return
    kind, text = outcome
    if kind == "error":
        st.error(plain(text), icon=":material/error:")
    elif kind == "success":
        st.success(text, icon=":material/save:")
    else:
        st.info(text, icon=":material/info:")


def _remember(widget: str, kept: str) -> None:
    st.session_state[kept] = st.session_state.get(widget)


def _pick(label: str, found: Sequence[SnapshotInfo], key: str, default: int, today: date) -> SnapshotInfo:
    ids = [s.id for s in found]
    wanted = st.session_state.get(key)
    index = ids.index(wanted) if wanted in ids else default
    by_id = {s.id: s for s in found}
    chosen = st.selectbox(
        label,
        ids,
        index=index,
        format_func=lambda i: snapshot_label(by_id[i], today),
        key=key + ":widget",
        on_change=_remember,
        args=(key + ":widget", key),
    )
    return by_id[int(chosen)]


@st.cache_data(show_spinner=False, max_entries=16)
def _compared(db_file: str, older: int, newer: int, rescore_hash: str | None, _model: Model) -> pd.DataFrame:
    """Moves between two snapshots, cached on their ids (and the model, when re-scoring the older one)."""
    listed = {s.id: s for s in history.snapshots(store())}
    frame = changes.compare(store(), listed[older], listed[newer])
    if rescore_hash is not None:
        frame = changes.with_rescored_older(frame, changes.rescored(store(), listed[older], _model))
    return frame


def _moves_table(frame: pd.DataFrame) -> None:
    moves = changes.band_moves(frame)
    moves = moves[moves["from"] != moves["to"]].sort_values("accounts", ascending=False)
    if moves.empty:
        st.caption("No account changed band.")
        return
    shown = pd.DataFrame(
        {
            "From": moves["from"].str.capitalize(),
            "To": moves["to"].str.capitalize(),
            "Accounts": moves["accounts"],
            "ARR": [money(v) if pd.notna(v) else "no ARR in the data" for v in moves["arr"]],
        }
    )
    st.dataframe(shown, hide_index=True, width="content")


def _worse_table(frame: pd.DataFrame) -> None:
    worse = changes.turned_worse(frame)
    if worse.empty:
        st.caption("No account moved down a band.")
        return
    # Each score as every page writes it (one decimal, rounded half up as the band rule rounds).
    moves = [f"{score(a)} → {score(b)}" for a, b in zip(worse["old_score"], worse["new_score"], strict=True)]
    st.dataframe(
        pd.DataFrame(
            {
                "Account": worse["account_name"],
                "CSM": worse["owner"],
                "ARR": [money(v) if pd.notna(v) else "no ARR in the data" for v in worse["arr"]],
                "Band": worse["old_band"].str.capitalize() + " → " + worse["new_band"].str.capitalize(),
                "Score": moves,
                "Change": worse["delta"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Change": st.column_config.NumberColumn(format="%+.1f")},
    )


def _deltas_table(frame: pd.DataFrame) -> None:
    moved = frame.dropna(subset=["delta"])
    moved = moved[moved["delta"] != 0].sort_values("delta")
    if moved.empty:
        st.caption("No score changed.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Account": moved["account_name"],
                "Was": moved["old_score"],
                "Now": moved["new_score"],
                "Change": moved["delta"],
                "Band now": moved["new_band"].str.capitalize(),
            }
        ),
        hide_index=True,
        width="stretch",
        height=300,
        column_config={"Change": st.column_config.NumberColumn(format="%+.1f")},
    )


def why_table(why: changes.Explanation) -> None:
    """Each signal's points in both snapshots, largest change first."""
    st.dataframe(
        pd.DataFrame(
            {
                "Signal": [p.label for p in why.parts],
                "Was": [changes.value_text(p, p.old_value) for p in why.parts],
                "Now": [changes.value_text(p, p.new_value) for p in why.parts],
                "Points then": [points_number(p.old_points) for p in why.parts],
                "Points now": [points_number(p.new_points) for p in why.parts],
                "Change": [points_number(p.delta) for p in why.parts],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Points then": st.column_config.NumberColumn(format="%.1f"),
            "Points now": st.column_config.NumberColumn(format="%.1f"),
            "Change": st.column_config.NumberColumn(format="%+.1f"),
        },
    )


def _one_account(frame: pd.DataFrame, older: SnapshotInfo, newer: SnapshotInfo, current: Model | None) -> None:
    moved = frame.dropna(subset=["delta"]).sort_values(["moved_down", "delta"], ascending=[False, True])
    if moved.empty:
        return
    names = dict(zip(moved["account_id"].astype(str), moved["account_name"].astype(str), strict=True))
    ids = list(names)
    wanted = st.session_state.get(CHANGES_WHY_KEY)
    picked = st.selectbox(
        "Why did this account move?",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=names.__getitem__,
        key=CHANGES_WHY_KEY + ":widget",
        on_change=_remember,
        args=(CHANGES_WHY_KEY + ":widget", CHANGES_WHY_KEY),
        help="Listed with the accounts that moved down first, then by the size of the drop.",
    )
    why = changes.explain_account(store(), older, newer, str(picked), current)
    if why is None:
        st.caption("This account has no signal values in one of the two snapshots, so there is nothing to compare.")
        return
    st.markdown(f"**{plain(names[str(picked)])}**: {plain(why.reason)}")
    why_table(why)


def what_changed(model: Model, today: date, found: Sequence[SnapshotInfo]) -> None:
    """Two snapshots side by side: band moves, who got worse (by ARR), score deltas, and one account's why."""
    if not found:
        st.button(
            "Load the demo snapshots",
            icon=":material/history:",
            on_click=_seed,
            help="Two demo weeks, so you can see what this section shows before saving your own.",
        )
    if len(found) < 2:
        st.info(
            "Save at least two snapshots (say, this week's exports and next week's) to see what changed.",
            icon=":material/compare_arrows:",
        )
        return
    left, right = st.columns(2)
    with left:
        older = _pick("Compare", found, CHANGES_OLDER_KEY, len(found) - 2, today)
    with right:
        newer = _pick("with", found, CHANGES_NEWER_KEY, len(found) - 1, today)
    if older.id == newer.id:
        st.info("Pick two different snapshots.", icon=":material/compare_arrows:")
        return
    if (older.as_of, older.saved_at) > (newer.as_of, newer.saved_at):
        older, newer = newer, older
    rescore: Model | None = None
    if not changes.same_model(older, newer):
        st.warning(
            f"The two snapshots were scored with different model versions ({plain(older.model_name)} then "
            f"{plain(newer.model_name)}), so part of every move may be the weights, not the data.",
            icon=":material/rule:",
        )
        if st.toggle(
            "Re-score the older snapshot's signals with the current model",
            key=CHANGES_RESCORE_KEY,
            help=f"Scores the stored signal values of {older.as_of:%d %b %Y} with {plain(model.name)}, so only "
            "changes in the data remain.",
        ):
            rescore = model
    frame = _compared(str(store().path), older.id, newer.id, model_hash(rescore) if rescore else None, model)
    st.markdown("**Band moves**")
    _moves_table(frame)
    st.markdown("**Turned yellow or red, largest ARR first**")
    _worse_table(frame)
    with st.expander("Every score change", icon=":material/swap_vert:"):
        _deltas_table(frame)
    _one_account(frame, older, newer, rescore)


@st.cache_data(show_spinner=False, max_entries=8)
def _book(db_file: str, ids: tuple[int, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    found = [s for s in history.snapshots(store()) if s.id in ids]
    return history.book(store(), found), history.band_flows(store(), found)


def book_over_time(found: Sequence[SnapshotInfo]) -> None:
    """Accounts and ARR by band per snapshot (stacked bars), and who entered or left each band."""
    if not found:
        return
    book, flows = _book(str(store().path), tuple(s.id for s in found))
    colour = alt.Color("band:N", scale=alt.Scale(domain=BAND_ORDER, range=BAND_COLOURS), title="Band")
    x = alt.X("as_of:T", title="As of", axis=alt.Axis(format="%d %b %Y"))
    order = alt.Order("rank:Q")
    ranked = book.assign(rank=book["band"].map({b: i for i, b in enumerate(BAND_ORDER)}))
    accounts = (
        alt.Chart(ranked).mark_bar().encode(x=x, y=alt.Y("accounts:Q", title="Accounts"), color=colour, order=order)
    )
    arr = alt.Chart(ranked).mark_bar().encode(x=x, y=alt.Y("arr:Q", title="ARR ($)"), color=colour, order=order)
    left, right = st.columns(2)
    left.altair_chart(accounts.properties(height=260), width="stretch")
    right.altair_chart(arr.properties(height=260), width="stretch")
    if flows.empty:
        st.caption("Entries and exits per band appear once there are two snapshots.")
        return
    table = flows.pivot_table(index="as_of", columns="band", values=["entered", "left"], fill_value=0)
    table.columns = [f"{band.capitalize()} {what}" for what, band in table.columns]
    table.index = [f"{d:%d %b %Y}" for d in table.index]
    st.dataframe(table, width="stretch")


def _delete(snapshot_id: int) -> None:
    history.delete(store(), snapshot_id)


def manage(found: Sequence[SnapshotInfo], today: date) -> None:
    """Every snapshot with its age, files and a delete button."""
    for s in reversed(found):
        left, right = st.columns([5, 1], vertical_alignment="center")
        files = ", ".join(plain(f.name) for f in s.files)
        left.markdown(f"**{s.id}** · {plain(snapshot_label(s, today))}  \n:gray[{files}]")
        right.button(
            "Delete",
            key=f"changes:delete:{s.id}",
            icon=":material/delete:",
            on_click=_delete,
            args=(s.id,),
        )


def memory(result: PortfolioResult, exports: Sequence[Export], model: Model, overrides: dict[str, str]) -> None:
    """The portfolio page's snapshot section: freshness, save, what changed, the book over time, the list."""
    today = date.today()
    # Read once: saving, loading the demo and deleting are callbacks, done before this run began.
    found = known_snapshots(seed=False)
    freshness_note(found, today)
    with st.expander("What changed since the last snapshot", icon=":material/history:", key=CHANGES_SECTION_KEY):
        save_button(result, exports, model, overrides)
        what_changed(model, today, found)
    with st.expander("Book over time", icon=":material/stacked_bar_chart:"):
        book_over_time(found)
    with st.expander("Saved snapshots", icon=":material/inventory_2:"):
        manage(found, today)
