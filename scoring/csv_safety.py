"""Spreadsheet formula injection: the one rule every CSV export follows.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets strip before looking) is run as a formula
when the file is opened, so an account named ``=HYPERLINK(...)`` would
become a live link.  Such cells get a leading single quote, which
spreadsheets show as plain text.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The same rule for DuckDB's regexp_matches, for exports DuckDB writes itself.
FORMULA_START_PATTERN = r"^[=+\-@\t\r]"


def safe_cell(text: str, keep_numbers: bool = False) -> str:
    """Neutralise a cell a spreadsheet would evaluate as a formula.

    ``keep_numbers`` leaves plain numbers such as ``-5`` alone, for columns
    that pass numeric data through: a number cannot carry a formula.
    """
    if not text.startswith(FORMULA_START):
        return text
    if keep_numbers:
        try:
            float(text)
        except ValueError:
            pass
        else:
            return text
    return "'" + text
