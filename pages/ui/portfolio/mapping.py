"""The column-mapping editor: what each header of each file was read as.

Detection runs in ``scoring.portfolio``; this module shows its answer per file
and turns the user's edits into overrides (header -> field) that go back into
the next scoring run.  The backend saves the corrected mapping under the
file's header signature, so the same export maps itself next time.  Each row
says why its column was read so and how sure that is, so a guess looks like a
guess; "Download mapping" hands the same mapping to `python -m scoring
portfolio --mapping`.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pages.ui.common.text import count, plain
from pages.ui.portfolio.keys import OVERRIDES_KEY, mapping_editor_key
from scoring.model import Model
from scoring.portfolio.contract import FileMapping, InputProblem, MappingReason
from scoring.portfolio.ingest.fields import model_fields
from scoring.portfolio.ingest.mapping_file import mapping_document

IGNORED = "ignore"
HEADER = "Column in your file"
READ_AS = "Read as"
WHY = "Why"
SURE = "How sure"
REASONS: dict[MappingReason, str] = {
    "synonym": "Known name for this field",
    "qualifier": "Known name once brackets, periods, units or word order are set aside",
    "user": "Your choice",
    "remembered": "Remembered from an earlier upload with the same headers",
}


def overrides(digest: str) -> dict[str, str]:
    """The user's corrections for the files with this digest."""
    return dict(st.session_state.get(OVERRIDES_KEY, {}).get(digest, {}))


def choose(digest: str, header: str, field: str) -> None:
    """Read ``header`` as ``field`` in the files with this digest (the same store of choices the editor writes)."""
    saved = st.session_state.setdefault(OVERRIDES_KEY, {})
    saved[digest] = {**saved.get(digest, {}), header: field}


def remember_edits(editor_key: str, digest: str, headers: list[str]) -> None:
    """The editor's callback: fold its edited rows into the overrides for these files."""
    changes = st.session_state[editor_key].get("edited_rows", {})
    saved = st.session_state.setdefault(OVERRIDES_KEY, {})
    chosen = dict(saved.get(digest, {}))
    for row, edit in changes.items():
        if READ_AS in edit:
            chosen[headers[int(row)]] = edit[READ_AS] or IGNORED
    saved[digest] = chosen


def _editor_key(mapping: FileMapping) -> str:
    """Changes with the mapping itself, so a re-scored file gets a fresh editor."""
    state = repr(sorted(mapping.columns.items(), key=lambda kv: kv[0]))
    return mapping_editor_key(hashlib.sha256(f"{mapping.file}\x1f{state}".encode()).hexdigest()[:16])


def _summary(mapping: FileMapping) -> str:
    used = sum(1 for field in mapping.columns.values() if field)
    ignored = len(mapping.columns) - used
    text = f"{count(used, 'column')} used"
    if ignored:
        text += f", {ignored:,} ignored"
    return text + (" · mapping remembered from an earlier upload" if mapping.remembered else "")


def editor(model: Model, mappings: list[FileMapping], problems: list[InputProblem], digest: str) -> None:
    """One expander per file; opened by default when that file has an error."""
    fields = model_fields(model)
    labels = {IGNORED: "(ignore this column)", **{fid: f"{f.label} · {fid}" for fid, f in fields.items()}}
    failing = {p.file for p in problems if p.severity == "error"}
    for mapping in mappings:
        headers = list(mapping.columns)
        key = _editor_key(mapping)
        with st.expander(f"Columns of {plain(mapping.file)}: {_summary(mapping)}", expanded=mapping.file in failing):
            st.caption(
                "Each column of the file and the field it is read as. Change a row to fix a wrong guess; "
                "the page re-scores at once and remembers your choice for files with the same headers."
            )
            frame = pd.DataFrame(
                {
                    HEADER: headers,
                    READ_AS: [mapping.columns[h] or IGNORED for h in headers],
                    WHY: [REASONS[mapping.reasons[h]] if h in mapping.reasons else "Not recognised" for h in headers],
                    SURE: [mapping.confidence.get(h, "").capitalize() for h in headers],
                }
            )
            st.data_editor(
                frame,
                key=key,
                hide_index=True,
                disabled=[HEADER, WHY, SURE],
                width="stretch",
                column_config={
                    HEADER: st.column_config.TextColumn(HEADER),
                    WHY: st.column_config.TextColumn(WHY, help="Why the column was read as its field."),
                    SURE: st.column_config.TextColumn(
                        SURE,
                        help="High: the header is a known name. Medium: it matched once qualifiers were set aside.",
                    ),
                    READ_AS: st.column_config.SelectboxColumn(
                        READ_AS,
                        options=list(labels),
                        format_func=lambda field: labels[str(field)],
                        required=True,
                        help="The field this column feeds. Signal ids are taken as the signal's value as it is.",
                    ),
                },
                on_change=remember_edits,
                args=(key, digest, headers),
            )
    if mappings:
        st.download_button(
            "Download mapping",
            data=mapping_document(model, mappings),
            file_name="column-mapping.json",
            mime="application/json",
            icon=":material/download:",
            help="Every file's columns and the field each is read as. Give it to the command line with "
            "`python -m scoring portfolio FILES --model ID --mapping column-mapping.json` for the same table.",
        )
