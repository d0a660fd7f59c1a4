"""'What it takes': the table of single-signal moves to the next band, or the cushion.

Every signal gets a row and the table is as tall as its rows (no inner
scroll bar hides one); long signal names wrap in a wide first column and
their full text is in the column's tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from scoring import formatting
from scoring.engine import Scorecard, score
from scoring.levers import Lever, levers
from scoring.model import Model, Signal

ROW_HEIGHT = 35  # Streamlit's data-grid row, in pixels
HEADER_HEIGHT = 38
COLUMNS = {
    "Signal": st.column_config.TextColumn(
        "Signal", width="medium", help="The signal; hover a cell to read a long name in full."
    ),
    **{name: st.column_config.TextColumn(name, width="small") for name in ("Now", "Score then", "Can slip to")},
    "Needed": st.column_config.TextColumn("Needed", help="The value the signal needs, and the change from now."),
    "Cushion": st.column_config.TextColumn("Cushion", help="How far the signal can move before the band changes."),
}


def _table(frame: pd.DataFrame) -> None:
    """Every row on show: the height fits the rows, so no inner scroll bar hides a signal."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=HEADER_HEIGHT + ROW_HEIGHT * max(len(frame), 1) + 2,
        column_config=COLUMNS,
    )


def _change(signal: Signal, change: float) -> str:
    """'+14 percentage points' for percentages (not a relative change), '+5 days', '+1.5'."""
    return formatting.signal_change(signal, change)


def _best(signal: Signal) -> float:
    return signal.max if signal.direction == "higher" else signal.min


def _worst(signal: Signal) -> float:
    return signal.min if signal.direction == "higher" else signal.max


def _lift_rows(
    model: Model, values: Mapping[str, float | None], bonuses: Sequence[str], found: list[Lever]
) -> pd.DataFrame:
    rows = []
    for lever in found:
        signal = model.signal(lever.signal_id)
        now = formatting.signal_value(signal, lever.current)
        if lever.target is None:
            at_best = score(model, {**values, signal.id: _best(signal)}, bonuses)
            rows.append((signal.label, now, "can't alone", f"{formatting.score(at_best.score)} at best", float("inf")))
            continue
        after = score(model, {**values, signal.id: lever.target}, bonuses)
        effort = abs(lever.target - lever.current) / (signal.max - signal.min)
        needed = f"{formatting.signal_value(signal, lever.target)} ({_change(signal, lever.target - lever.current)})"
        rows.append((signal.label, now, needed, f"{formatting.score(after.score)} {after.score_band}", effort))
    frame = pd.DataFrame(rows, columns=["Signal", "Now", "Needed", "Score then", "effort"])
    return frame.sort_values("effort", kind="stable").drop(columns="effort")


def _cushion_rows(model: Model, found: list[Lever]) -> pd.DataFrame:
    rows = []
    for lever in found:
        signal = model.signal(lever.signal_id)
        target = lever.target if lever.target is not None else _worst(signal)
        room = abs(target - lever.current)
        if target == _worst(signal):
            note = "stays green even at its worst"
        elif room == 0:
            note = "any slip leaves green"
        else:
            verb = "drop" if signal.direction == "higher" else "rise"
            note = f"can {verb} {_change(signal, room).lstrip('+')}"
        rows.append(
            (
                signal.label,
                formatting.signal_value(signal, lever.current),
                formatting.signal_value(signal, target),
                note,
                room / (signal.max - signal.min),
            )
        )
    frame = pd.DataFrame(rows, columns=["Signal", "Now", "Can slip to", "Cushion", "room"])
    return frame.sort_values("room", kind="stable").drop(columns="room")


def what_it_takes(model: Model, values: Mapping[str, float | None], bonuses: Sequence[str], card: Scorecard) -> None:
    found = levers(model, values, bonuses)
    if not found:
        st.caption("Give at least one signal a value to see what moves the band.")
        return
    if card.insufficient:
        st.caption(
            "Too little data for a band, so the moves below are what the score alone would need; "
            "give the missing signals a value first."
        )
    if card.score_band == "green":
        st.caption(
            "Green already. How far each signal can slip, on its own, before the account leaves green "
            "(most fragile first)."
        )
        _table(_cushion_rows(model, found))
        return
    goal = found[0].target_band
    reachable = [lv for lv in found if lv.target is not None]
    if reachable:
        st.caption(
            f"The smallest change to one signal that, on its own, lifts the account to {goal} "
            "(easiest first, as a share of the slider's range)."
        )
    else:
        st.caption(f"No single signal can lift the account to {goal} on its own: several have to move together.")
    _table(_lift_rows(model, values, bonuses, found))
