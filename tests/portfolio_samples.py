"""Small export files for the portfolio tests, built in code."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from scoring.catalog import get_model
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export, PortfolioResult

AS_OF = date(2026, 3, 31)

# Sparse exports the page tests share.
TWO_OF_FIVE_CSV = (  # usage and seats: half the weight, no ARR, renewal, owner or period
    b"Account ID,Usage %,Total_Seats,Active Users\nS-1,95%,100,90\nS-2,40%,50,10\nS-3,72%,400,300\n"
)
# A CRM report with ARR and renewal dates but one signal of five (usage): every account is unbanded.
UNBANDED_WITH_ARR_CSV = (
    b"Account ID,ARR,Renewal Date,Usage %\n"
    b"U-1,120000,2026-12-15,95%\nU-2,45000,2027-06-30,40%\nU-3,80000,2026-12-31,72%\n"
)


def csv_bytes(rows: Sequence[Sequence[Any]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def load(files: dict[str, bytes], model: str = "technical-csm", **kwargs: Any) -> PortfolioResult:
    kwargs.setdefault("as_of", AS_OF)
    exports = [Export(name, data) for name, data in files.items()]
    return load_portfolio(exports, get_model(model), **kwargs)


def by_id(result: PortfolioResult) -> dict[str, dict[str, Any]]:
    return {row["account_id"]: row for row in result.accounts.to_dict("records")}


def problems_text(result: PortfolioResult) -> str:
    lines = [f"{p.severity} {p.file} {p.column} {p.rows} {p.count}: {p.message} {p.fix}" for p in result.problems]
    return "\n".join(lines)
