"""Showing user data (file, column, account and people names) as text, never as markup.

Streamlit reads labels, captions and message bodies as Markdown, with its own
extras (``:red[...]``, ``:material/icon:``).  A name from an export must show
exactly as typed, so every one goes through ``plain`` before it joins a sentence.

Escaping is not enough for web and e-mail addresses: Streamlit's Markdown
turns a bare ``www.``, ``http://`` or ``name@host`` into a live link after the
escapes are read, so an account or person named after a site would become a
link to it.  ``plain`` puts a word joiner (U+2060: no width, nothing shown)
inside each such address, which keeps the text as typed and unlinked.
"""

from __future__ import annotations

import re

# Numbers read the same on every page: these two are scoring.formatting's, named here for the pages.
from scoring.formatting import count, money

__all__ = ["count", "money", "plain"]

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$=^&\"'])")
# Where GitHub-flavoured Markdown starts a link on its own: after a scheme it links, after "www"
# before its dot, and after the "@" of an e-mail address.
_LINK_START = re.compile(r"(?i)(?<![\w-])(https?|mailto|xmpp)(?=:)|(?<![\w-])(www)(?=\.)|(@)")
_WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Escape every character Markdown (or Streamlit's directives) could act on, and keep addresses unlinked."""
    flat = " ".join(str(text).split())
    unlinked = _LINK_START.sub(lambda m: m.group(0) + _WORD_JOINER, flat)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked)
