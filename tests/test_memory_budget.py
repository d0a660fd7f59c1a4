"""Bounded memory: the account cap per upload, the byte-bounded run cache, and letting go when a session ends.

The budget itself (1.5 GB peak for any upload up to the cap) is measured by
``bench/bench_memory.py`` on big files; these tests hold the mechanisms that
keep it, on small inputs: an upload over ``HEALTH_STUDIO_MAX_ACCOUNTS`` is
refused before any frame is built (on both the one-pass and the general path)
with a message that says what to do, and a session that ends drops its copy
of the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pages.ui.portfolio import upload as portfolio_upload
from pages.ui.portfolio.keys import SCORED_KEY
from scoring.catalog import preset_models
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.limits import ACCOUNTS_ENV, DEFAULT_MAX_ACCOUNTS, max_accounts
from tests.portfolio_page import open_portfolio, upload

TECH = preset_models()["technical-csm"]
CRM = (
    b"Account ID,Account Name,CSM,Segment,ARR,usage_rate\n"
    b"A-1,Acme,Ann,SMB,1000,40\n"
    b"A-2,Globex,Bo,SMB,2000,70\n"
    b"A-3,Initech,Ann,Enterprise,3000,90\n"
)
USAGE = b"Account ID,seat_utilization\nA-1,50\nA-2,60\nA-3,95\n"


@pytest.mark.parametrize(
    ("setting", "cap"),
    [
        (None, DEFAULT_MAX_ACCOUNTS),
        ("1000", 1000),
        ("1_000_000", 1_000_000),
        ("lots", DEFAULT_MAX_ACCOUNTS),
        ("0", DEFAULT_MAX_ACCOUNTS),
    ],
)
def test_the_cap_is_the_setting_when_it_is_a_count(
    setting: str | None, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if setting is None:
        monkeypatch.delenv(ACCOUNTS_ENV, raising=False)
    else:
        monkeypatch.setenv(ACCOUNTS_ENV, setting)
    assert max_accounts() == cap


# One clean file takes the one-pass path; two files take the general one.
PATHS = {"one pass": [Export("crm.csv", CRM)], "general": [Export("crm.csv", CRM), Export("usage.csv", USAGE)]}


@pytest.mark.parametrize("path", list(PATHS))
def test_an_upload_over_the_cap_is_refused_with_what_to_do(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACCOUNTS_ENV, "2")
    result = load_portfolio(PATHS[path], TECH)
    assert result.accounts.empty
    [problem] = result.errors
    assert "3 accounts" in problem.message and "at most 2" in problem.message
    assert "Split the export" in problem.fix and ACCOUNTS_ENV in problem.fix
    assert problem.count == 3


@pytest.mark.parametrize("path", list(PATHS))
def test_an_upload_at_the_cap_is_scored(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACCOUNTS_ENV, "3")
    result = load_portfolio(PATHS[path], TECH)
    assert sorted(result.accounts["account_id"]) == ["A-1", "A-2", "A-3"]
    assert not result.errors


def test_the_page_says_the_upload_is_too_big_and_how_to_split_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ACCOUNTS_ENV, "2")
    at = open_portfolio()
    upload(at, ("crm.csv", CRM))
    shown = " ".join(e.value for e in at.error)
    assert "3 accounts" in shown and "Split the export" in shown
    assert str(db_path.parent) not in shown


def test_a_session_that_ends_drops_its_copy_of_the_run() -> None:
    """``_forget_run`` is what Streamlit calls when the browser session disconnects."""
    result = PortfolioResult(model_id=TECH.id, accounts=load_portfolio([Export("crm.csv", CRM)], TECH).accounts)
    state: dict[str, object] = {SCORED_KEY: portfolio_upload.Scored(("d", "m", (), ""), result, "Scored 3"), "kept": 1}
    portfolio_upload._forget_run(portfolio_upload._SessionRuns(state))  # type: ignore[arg-type]  # a dict stands in for the session state
    assert state == {"kept": 1}, "the run goes, everything else the session holds stays"
    portfolio_upload._forget_run(portfolio_upload._SessionRuns(state))  # type: ignore[arg-type]  # twice is harmless
    assert state == {"kept": 1}
