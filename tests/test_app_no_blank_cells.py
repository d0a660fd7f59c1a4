"""No table on a page shows Streamlit's grey 'None' for a value the data lacks.

After a sparse upload (no ARR, owner or segment; or only one signal of five,
so no account has a band), every table the pages draw is read back: a missing
cell must either not exist or sit in a table that gives missing cells a
placeholder (a dash).  The rule is the guide's: missing is said, never shown
as 0, None or nan.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.portfolio_page import open_portfolio, upload
from tests.portfolio_samples import TWO_OF_FIVE_CSV, UNBANDED_WITH_ARR_CSV

SPARSE = {"two-signals.csv": TWO_OF_FIVE_CSV, "unbanded.csv": UNBANDED_WITH_ARR_CSV}
PAGES = ["pages/portfolio.py", "pages/account.py", "pages/renewals.py", "pages/issues.py"]


def _blank_cells(frame: pd.DataFrame) -> list[str]:
    """The columns holding a None or NaN cell."""
    return [str(c) for c in frame.columns if frame[c].isna().any()]


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_no_table_shows_a_missing_value_as_none(fresh_store: Path, name: str) -> None:
    at = open_portfolio()
    upload(at, (name, SPARSE[name]))
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        for table in at.dataframe:
            if not table.proto.placeholder:
                assert not _blank_cells(table.value), (page, list(table.value.columns))
