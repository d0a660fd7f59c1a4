"""The backtest's history merges repeated account-months only where a file has them, and then always."""

from __future__ import annotations

from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.portfolio.signal_history import signal_history

MODEL = get_model("technical-csm")


def test_a_file_that_repeats_an_account_month_gives_one_row_per_month() -> None:
    monthly = b"Account ID,Month,Usage %\nA-1,2026-01,50%\nA-1,2026-01,70%\nA-1,2026-02,60%\nB-2,2026-01,40%\n"
    history, _problems = signal_history([Export("usage.csv", monthly)], MODEL)
    assert sorted(zip(history["account_id"], history["period"].dt.month, strict=True)) == [
        ("A-1", 1),
        ("A-1", 2),
        ("B-2", 1),
    ]
    january = history[(history["account_id"] == "A-1") & (history["period"].dt.month == 1)]
    assert january["usage_rate"].tolist() == [70.0]  # the latest row of the month, as the portfolio takes it


def test_a_clean_file_beside_a_repeating_one_keeps_its_own_rows() -> None:
    usage = b"Account ID,Month,Usage %\nA-1,2026-01,50%\nA-1,2026-02,60%\n"
    tickets = b"Account ID,Month,Tickets\nA-1,2026-01,2\nA-1,2026-01,3\n"
    history, _problems = signal_history([Export("usage.csv", usage), Export("tickets.csv", tickets)], MODEL)
    assert len(history) == 2
    assert sorted(history["usage_rate"].tolist()) == [50.0, 60.0]
