"""Showing user data (file, column, account and people names) as text, never as markup.

Streamlit reads labels, captions and message bodies as Markdown, with its own
extras (``:red[...]``, ``:material/icon:``).  A name from an export must show
exactly as typed, so every one goes through ``plain`` before it joins a sentence.
"""

from __future__ import annotations

import re

# Numbers read the same on every page: these two are scoring.formatting's, named here for the pages.
from scoring.formatting import count, money

__all__ = ["count", "money", "plain"]

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$=^&\"'])")


def plain(text: object) -> str:
    """Escape every character Markdown (or Streamlit's directives) could act on."""
    flat = " ".join(str(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
