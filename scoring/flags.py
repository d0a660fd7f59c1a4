"""The words a spreadsheet cell uses to say yes or no, for every reader of bonus columns.

The what-if CLI's ``score FILE.csv`` and the portfolio upload read the same
kind of export, so a cell one accepts the other accepts too: a tick mark in
a CRM column must not earn a bonus in one place and an error in the other.
Compare after ``strip().lower()``.
"""

from __future__ import annotations

TRUE_WORDS = ("1", "1.0", "true", "yes", "y", "x", "t", "\u2713", "\u2714")
FALSE_WORDS = ("0", "0.0", "false", "no", "n", "f")
