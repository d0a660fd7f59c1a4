"""What the lab backtests: which files, which model, how far ahead, and against which floors.

Exports uploaded on the portfolio page stay on that page, so the lab has its
own uploaders; until files are here it shows the bundled demo (exports plus
``data/demo/outcomes.csv``) and says so.  Exports without an outcomes file are
backtested against their own outcome columns, when they have any.
Uploads are read and hashed once, in the uploader's callback, and kept in
session state, so a rerun for a floor or a lead time copies nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import streamlit as st

from pages.ui.backtest.keys import (
    EXPORTS_KEY,
    EXPORTS_UPLOAD_KEY,
    FLOOR_INPUT_PREFIX,
    FLOORS_KEY,
    LEAD_KEY,
    OUTCOMES_KEY,
    OUTCOMES_UPLOAD_KEY,
    SNAPSHOTS_KEY,
    SNAPSHOTS_WIDGET_KEY,
)
from pages.ui.common.text import plain
from pages.ui.portfolio.upload import FILE_TYPES, Source, demo_source, source_of
from scoring.backtest import LEAD_DAYS
from scoring.backtest.report import Floors
from scoring.portfolio.contract import Export
from scoring.portfolio.demo import DEMO_DIR

DEFAULT_LEAD = 90
OUTCOME_TYPES = ["csv", "tsv", "txt"]


@dataclass(frozen=True)
class OutcomesFile:
    """The outcomes as uploaded: name, bytes, and the hash the cache is keyed on."""

    name: str
    data: bytes
    digest: str


@dataclass(frozen=True)
class LabFiles:
    """The exports and the outcomes file, or (``in_exports``) a stand-in naming the exports' own outcome columns."""

    exports: Source
    outcomes: OutcomesFile
    demo: bool
    in_exports: bool = False


def in_the_exports(exports: Source) -> LabFiles:
    """Exports that are to be backtested against their own outcome columns (no outcomes file)."""
    stand_in = OutcomesFile("the outcome columns of the exports", b"", "exports:" + exports.digest)
    return LabFiles(exports, stand_in, demo=False, in_exports=True)


def outcomes_file(name: str, data: bytes) -> OutcomesFile:
    return OutcomesFile(name, data, hashlib.sha256(name.encode() + b"\0" + data).hexdigest())


@st.cache_data(show_spinner=False)
def demo_outcomes() -> OutcomesFile:
    return outcomes_file("outcomes.csv", (DEMO_DIR / "outcomes.csv").read_bytes())


def _on_exports() -> None:
    files = st.session_state.get(EXPORTS_UPLOAD_KEY) or []
    if files:
        st.session_state[EXPORTS_KEY] = source_of(Export(f.name, f.getvalue()) for f in files)
    else:
        st.session_state.pop(EXPORTS_KEY, None)


def _on_outcomes() -> None:
    file = st.session_state.get(OUTCOMES_UPLOAD_KEY)
    if file is not None:
        st.session_state[OUTCOMES_KEY] = outcomes_file(file.name, file.getvalue())
    else:
        st.session_state.pop(OUTCOMES_KEY, None)


def choose_files() -> LabFiles:
    """The two uploaders, and a note saying what the page is showing (stops when only outcomes are in)."""
    left, right = st.columns(2)
    left.file_uploader(
        "Exports with monthly history",
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=EXPORTS_UPLOAD_KEY,
        on_change=_on_exports,
        help="The same exports as the portfolio page (CSV, Excel .xlsx or Parquet), with a month column: "
        "each account is scored on the months before its outcome.",
    )
    right.file_uploader(
        "Outcomes file",
        type=OUTCOME_TYPES,
        key=OUTCOMES_UPLOAD_KEY,
        on_change=_on_outcomes,
        help="One row per account: the account id plus a churn date or flag, or a renewal date with its "
        "outcome (Renewed / Won, Churned / Lost / Closed Lost, Contracted / Downgraded) and optionally the ARR lost. "
        "Not needed when an export already has such columns (a CRM's Stage and Close Date, say).",
    )
    exports: Source | None = st.session_state.get(EXPORTS_KEY)
    outcomes: OutcomesFile | None = st.session_state.get(OUTCOMES_KEY)
    if exports is None and outcomes is None:
        st.info(
            "Showing the demo: the bundled demo exports (300 accounts, 12 months) and data/demo/outcomes.csv. "
            "Upload your exports, with an outcomes file or with outcome columns in them, to backtest your own book.",
            icon=":material/info:",
        )
        return LabFiles(demo_source(), demo_outcomes(), demo=True)
    if exports is None:
        st.info("Now upload the exports these outcomes belong to.", icon=":material/upload_file:")
        st.stop()
    if outcomes is None:
        st.caption(
            f":material/folder_open: Backtesting {', '.join(plain(n) for n in exports.names)} against the outcome "
            f"columns in {'it' if len(exports.exports) == 1 else 'them'} (a Stage or Status, a churn date or flag). "
            "Upload an outcomes file to use that instead."
        )
        return in_the_exports(exports)
    st.caption(
        f":material/folder_open: Backtesting {', '.join(plain(n) for n in exports.names)} "
        f"against {plain(outcomes.name)}."
    )
    return LabFiles(exports, outcomes, demo=False)


def lead_days() -> int:
    chosen = st.segmented_control(
        "Lead time",
        LEAD_DAYS,
        default=DEFAULT_LEAD,
        format_func=lambda d: f"{d} days",
        key=LEAD_KEY,
        help="Each account is scored as it stood this many days before its outcome, on data dated before then: "
        "the warning time a CSM would have had.",
    )
    return int(chosen) if chosen is not None else DEFAULT_LEAD


def _keep_snapshots_choice() -> None:
    st.session_state[SNAPSHOTS_KEY] = bool(st.session_state[SNAPSHOTS_WIDGET_KEY])


def snapshots_to_use(saved: tuple[int, ...]) -> tuple[int, ...]:
    """The saved snapshots that count as history too (none unless asked); offered only when there are some."""
    if not saved:
        return ()
    chosen = st.toggle(
        f"Also score from saved snapshots ({len(saved)})",
        value=bool(st.session_state.get(SNAPSHOTS_KEY, False)),
        key=SNAPSHOTS_WIDGET_KEY,
        on_change=_keep_snapshots_choice,
        help="Each account may be scored from a snapshot saved on the portfolio page, as the book stood on "
        "that day, when it was taken by the cut-off; a snapshot taken later is never read.",
    )
    return saved if chosen else ()


# (field, label, unit) of each floor the user may change; shares are entered as percentages.
_FLOOR_INPUTS = (
    ("red_lift_min", "Red churns at least (x the base rate)", "x"),
    ("churners_below_green_min", "Churners below green, at least (%)", "%"),
    ("green_share_max", "Book in green, at most (%)", "%"),
    ("green_renewal_min", "Green accounts renewing, at least (%)", "%"),
)


def _shown(value: float, unit: str) -> float:
    return round(value * 100, 1) if unit == "%" else value


def _apply_floors() -> None:
    """Form callback: the entered floors; an untouched field keeps the exact default (2/3 is not 66.7%)."""
    current: Floors = st.session_state.get(FLOORS_KEY) or Floors()
    changed = {}
    for name, _label, unit in _FLOOR_INPUTS:
        entered = float(st.session_state[FLOOR_INPUT_PREFIX + name])
        if entered != _shown(getattr(current, name), unit):
            changed[name] = entered / 100 if unit == "%" else entered
    st.session_state[FLOORS_KEY] = Floors(**{**{f.name: getattr(current, f.name) for f in fields(Floors)}, **changed})


def floors_form() -> Floors:
    """The floors as number inputs in a form: tab between them, Enter applies."""
    floors: Floors = st.session_state.get(FLOORS_KEY) or Floors()
    with st.form("backtest:floors-form", border=False):
        columns = st.columns(len(_FLOOR_INPUTS))
        for column, (name, label, unit) in zip(columns, _FLOOR_INPUTS, strict=True):
            column.number_input(
                label,
                min_value=0.0,
                max_value=100.0 if unit == "%" else 50.0,
                value=_shown(getattr(floors, name), unit),
                step=1.0 if unit == "%" else 0.5,
                format="%.1f",
                key=FLOOR_INPUT_PREFIX + name,
            )
        st.form_submit_button("Apply floors", on_click=_apply_floors, icon=":material/rule:")
    return floors
