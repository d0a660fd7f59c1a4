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
