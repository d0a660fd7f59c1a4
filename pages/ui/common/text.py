"""Showing user data (file, column, account and people names) as text, never as markup.

Streamlit reads labels, captions and message bodies as Markdown, with its own
extras (``:red[...]``, ``:material/icon:``).  A name from an export must show
exactly as typed, so every one goes through ``plain`` before it joins a sentence.
"""

from __future__ import annotations

import math
import re

from scoring.wording import counted

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$=^&\"'])")


def plain(text: object) -> str:
    """Escape every character Markdown (or Streamlit's directives) could act on."""
    flat = " ".join(str(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)


def money(amount: float | None) -> str:
    """'$1.2M', '$85K', '$950': short enough for a metric tile."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "-"
    size = abs(amount)
    for limit, suffix, digits in ((1e9, "B", 1), (1e6, "M", 1), (1e3, "K", 0)):
        if size >= limit:
            return f"${amount / limit:,.{digits}f}{suffix}"
    return f"${amount:,.0f}"


def count(n: int, noun: str) -> str:
    """'1 account', '2,310 accounts': the project's one plural rule, for nouns that just take an s."""
    return counted(n, noun, f"{noun}s")
