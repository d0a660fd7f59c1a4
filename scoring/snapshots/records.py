"""What the store hands back about snapshots, as frozen records.

Kept free of other imports so ``scoring.db`` (which builds these) never
pulls in the portfolio pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The label of the bundled demo history (``scoring.snapshots.demo``); the first snapshot a
# team saves of its own removes them, so the demo never mixes with a real book's history.
DEMO_LABEL = "demo snapshots"


@dataclass(frozen=True)
class SourceFile:
    """One file a snapshot was scored from: its name as uploaded and a SHA-256 of its bytes."""

    name: str
    digest: str


@dataclass(frozen=True)
class SnapshotInfo:
    """One saved snapshot, without its accounts.

    ``model_hash`` changes whenever anything that moves a score does (a
    reweighting, a new cut-off), so two snapshots of "the same" model id may
    still be two model versions.  ``model_toml`` is that version's full text,
    so an old snapshot can always be explained with the model that scored it.
    """

    id: int
    as_of: date
    model_id: str
    model_name: str
    model_hash: str
    model_toml: str = field(repr=False)
    files: tuple[SourceFile, ...]
    accounts: int
    saved_at: datetime
    label: str = ""

    def age_days(self, today: date) -> int:
        """Days between the snapshot's as-of date and ``today`` (0 for a snapshot dated today)."""
        return (today - self.as_of).days
