"""Customer words on the page: ``plain`` from the common helpers, plus no automatic links.

``plain`` escapes every Markdown character, but Streamlit's Markdown also
turns bare web and e-mail addresses into live links after escaping
(``http://…``, ``www.…``, ``name@host``), so a customer quote holding a URL
would become clickable.  An invisible word joiner (U+2060) after the scheme's
colon, after ``www`` and after ``@`` stops that; the text reads the same.
"""

from __future__ import annotations

import re

from pages.ui.common.text import plain

WORD_JOINER = "\u2060"
_SCHEME = re.compile(r"(\\?:)(?=//)")
_WWW = re.compile(r"(?i)\b(www)(?=\\?\.)")


def shown(text: object) -> str:
    """User text for st.markdown: escaped, on one line, and never a link."""
    escaped = plain(text)
    escaped = _SCHEME.sub(rf"\1{WORD_JOINER}", escaped)
    escaped = _WWW.sub(rf"\1{WORD_JOINER}", escaped)
    return escaped.replace("@", "@" + WORD_JOINER)
