"""What a scored portfolio tells the diagnosis loop about each account: name, segment, CSM, ARR, band.

Patterns and briefs need these facts; the loop itself does not.  The
default source is the bundled demo portfolio scored with the default model
(the demo issues sit on its accounts).  A value the portfolio lacks stays
``None`` and reads "no data" downstream.
"""

from __future__ import annotations

import math

import pandas as pd

from scoring.catalog import DEFAULT_MODEL_ID, preset_models
from scoring.diagnosis.patterns import AccountFacts
from scoring.portfolio import demo_exports, load_portfolio


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]  # pandas cells are objects; None/NA fall to except
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def facts_from_accounts(accounts: pd.DataFrame) -> dict[str, AccountFacts]:
    """One ``AccountFacts`` per row of a portfolio's account table (``PortfolioResult.accounts``)."""
    found: dict[str, AccountFacts] = {}
    for row in accounts.itertuples(index=False):
        account_id = _text(getattr(row, "account_id", None))
        if account_id is None:
            continue
        found[account_id] = AccountFacts(
            account_id=account_id,
            name=_text(getattr(row, "account_name", None)),
            segment=_text(getattr(row, "segment", None)),
            csm=_text(getattr(row, "owner", None)),
            arr=_number(getattr(row, "arr", None)),
            band=_text(getattr(row, "band", None)),
        )
    return found


def demo_facts() -> dict[str, AccountFacts]:
    """The demo portfolio's accounts, scored with the default model (a second or two)."""
    return facts_from_accounts(load_portfolio(demo_exports(), preset_models()[DEFAULT_MODEL_ID]).accounts)
