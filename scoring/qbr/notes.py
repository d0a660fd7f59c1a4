"""What only the CSM knows about a quarter, kept per account: value delivered, risks, goals.

The pack never invents these; an empty field makes its section say what to
add.  Saving goes through ``save_notes`` so a database failure reaches the
page as a sentence (``QbrNotesError``), not engine text.
"""

from __future__ import annotations

from scoring.db import DuckDBError, Store, qbr_store
from scoring.qbr.records import AccountProfile, QbrNotes


class QbrNotesError(RuntimeError):
    """The notes could not be read or saved; the message says what to do."""


NOTE_FIELDS = ("achievements", "time_saved", "cost_reduction", "other_impact", "risks", "goals")
MAX_NOTE_CHARS = 4000  # per field: a QBR slide holds far less


def _clipped(notes: QbrNotes) -> QbrNotes:
    values = {f: str(getattr(notes, f))[:MAX_NOTE_CHARS] for f in NOTE_FIELDS}
    return QbrNotes(**values, held_on=notes.held_on)


def save_notes(store: Store, account_id: str, quarter: str, notes: QbrNotes, actor: str | None = None) -> None:
    try:
        qbr_store(store).save_notes(account_id, quarter, _clipped(notes), actor)
    except DuckDBError:
        raise QbrNotesError("The QBR notes could not be saved; nothing else changed. Try again in a moment.") from None


def load_notes(store: Store, account_id: str, quarter: str) -> QbrNotes:
    try:
        return qbr_store(store).notes(account_id, quarter) or QbrNotes()
    except DuckDBError:
        raise QbrNotesError("The saved QBR notes could not be read; try reloading the page.") from None


def held_in(store: Store, quarter: str) -> set[str]:
    """Accounts whose QBR for the quarter has a held-on date."""
    try:
        return qbr_store(store).held(quarter)
    except DuckDBError:
        raise QbrNotesError("The saved QBR dates could not be read; try reloading the page.") from None


def save_profile(store: Store, account_id: str, profile: AccountProfile) -> None:
    if profile.reference_tier is not None and profile.reference_tier not in (1, 2, 3):
        raise QbrNotesError("A reference tier is 1, 2 or 3 (or none).")
    try:
        qbr_store(store).save_profile(account_id, profile)
    except DuckDBError:
        raise QbrNotesError("The account details could not be saved; try again in a moment.") from None


def load_profiles(store: Store) -> dict[str, AccountProfile]:
    try:
        return qbr_store(store).profiles()
    except DuckDBError:
        raise QbrNotesError("The saved account details could not be read; try reloading the page.") from None
