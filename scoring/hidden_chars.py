"""Characters that change what a reader sees without being seen: the one rule every export strips.

Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
direction marks (U+200E, U+200F, U+061C) and control characters (C0 and C1,
NUL included) let a name such as ``invoice\u202egpj.exe`` read as something
else in a spreadsheet or a CRM note, or cut a cell short where a program
stops at NUL.  Names, notes and account ids come from users and uploads, so
CSV (``scoring.csv_export.safe_cell``) and Markdown
(``scoring.checklists.export.md_escape``) drop them here.  A line break is
kept: notes and cells may hold one, and a CSV quotes it.  TOML does not strip:
``scoring.model_toml.toml_string`` writes every non-printable character as a
visible ``\\uXXXX`` escape, so the file reads back exactly.
"""

from __future__ import annotations

import re

# Inclusive code-point ranges: C0 controls but the line feed, DEL and C1, the Arabic letter mark,
# the left-to-right and right-to-left marks, the embeddings and overrides, and the isolates.
HIDDEN_RANGES = (
    (0x00, 0x09),
    (0x0B, 0x1F),
    (0x7F, 0x9F),
    (0x061C, 0x061C),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
HIDDEN = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in HIDDEN_RANGES) + "]")
# The same class in RE2's syntax, for DuckDB's regexp functions (scoring.csv_export picks cells with it).
HIDDEN_RE2 = "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in HIDDEN_RANGES) + "]"


def strip_hidden(text: str) -> str:
    """``text`` without bidi controls and control characters (line breaks kept)."""
    return HIDDEN.sub("", text)


def has_hidden(text: str) -> bool:
    return HIDDEN.search(text) is not None
