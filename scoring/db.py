"""All DuckDB access: the saved-state file and the in-memory portfolio engine.

This is the only module that imports duckdb.  Two kinds of connection:

* ``Store`` wraps the embedded database file (``HEALTH_STUDIO_DB``, default
  ``data/health_studio.duckdb``) that holds what users save: custom models,
  column mappings and checklist ticks.  One process owns it; Streamlit sessions
  are threads, so each call takes its own ``cursor()``.  Every write is a
  single autocommitted statement, so a ``kill -9`` loses nothing that was
  acknowledged.  Checklist changes are append-only events, so two people
  ticking at once never overwrite each other.
* ``engine()`` opens a throw-away in-memory database for scoring uploads.

Both get an explicit memory limit and spill directory so one huge upload
cannot take the machine down.

The records the store hands back belong to their domains
(``scoring.checklists.model``, ``scoring.custom_models``), which is why this
module imports them and not the other way round.  Pages never import this
module: they get the ``Store`` from ``scoring.storage`` and change checklists
through ``scoring.checklists.commands``, which turns a ``DuckDBError`` into a
message for users.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from scoring.checklists.model import ChecklistEvent, EventKind, PlanRecord
from scoring.custom_models import SavedModel

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "health_studio.duckdb"
MEMORY_LIMIT = os.environ.get("HEALTH_STUDIO_MEMORY_LIMIT", "1GB")
THREADS = 2

Connection = duckdb.DuckDBPyConnection
DuckDBError = duckdb.Error

SCHEMA = """
CREATE TABLE IF NOT EXISTS custom_models (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    base_model VARCHAR NOT NULL,
    weights VARCHAR NOT NULL,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS column_mappings (
    signature VARCHAR PRIMARY KEY,
    mapping VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS checklist_plans (
    plan_id VARCHAR PRIMARY KEY,
    checklist_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS checklist_event_seq;
CREATE TABLE IF NOT EXISTS checklist_events (
    seq BIGINT PRIMARY KEY DEFAULT nextval('checklist_event_seq'),
    plan_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR,
    actor VARCHAR,
    happened_at TIMESTAMP NOT NULL
);
"""


class StoreUnavailable(RuntimeError):
    """The database file cannot be opened; the message says why and what to do."""


def db_path() -> Path:
    return Path(os.environ.get("HEALTH_STUDIO_DB") or DEFAULT_DB)


def _config(spill_dir: Path) -> dict[str, Any]:
    spill_dir.mkdir(parents=True, exist_ok=True)
    return {"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill_dir), "threads": THREADS}


def engine() -> Connection:
    """A private in-memory database for scoring one upload."""
    spill = Path(tempfile.gettempdir()) / "health_studio_spill"
    return duckdb.connect(":memory:", config=_config(spill))


class Store:
    """The saved state of the app, in one DuckDB file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), config=_config(Path(f"{self.path}.tmp")))
            self._con.execute(SCHEMA)
        except duckdb.IOException as exc:
            if "not a valid" in str(exc):
                raise StoreUnavailable(
                    f"The database {self.path} is damaged or is not a DuckDB file. Restore it from a "
                    "backup, or move it aside and restart to begin with an empty one."
                ) from None
            if "lock" in str(exc).lower():
                raise StoreUnavailable(
                    f"The database {self.path} is already open in another Account Health Studio "
                    "server. Only one server may use a database file: stop the other server, or "
                    "point this one at its own file with HEALTH_STUDIO_DB."
                ) from None
            raise StoreUnavailable(f"The database {self.path} could not be opened: {exc}") from None
        except duckdb.Error as exc:
            raise StoreUnavailable(
                f"The database {self.path} is damaged or is not a DuckDB file ({exc}). "
                "Restore it from a backup, or move it aside to start with an empty one."
            ) from None

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[Connection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.cursor() as cur:
            cur.execute(sql, list(params))

    # ---- custom models ------------------------------------------------------

    def save_custom_model(
        self, model_id: str, name: str, base_model: str, weights: Mapping[str, float], saved_by: str | None = None
    ) -> None:
        self._run(
            "INSERT OR REPLACE INTO custom_models VALUES (?, ?, ?, ?, ?, ?)",
            (model_id, name, base_model, json.dumps(dict(weights), sort_keys=True), saved_by, datetime.now()),
        )

    def custom_models(self) -> list[SavedModel]:
        """Every saved custom model, by name."""
        rows = self._rows("SELECT id, name, base_model, weights, saved_by FROM custom_models ORDER BY name")
        return [SavedModel(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def delete_custom_model(self, model_id: str) -> None:
        self._run("DELETE FROM custom_models WHERE id = ?", (model_id,))

    # ---- column mappings ----------------------------------------------------

    def save_mapping(self, signature: str, mapping: dict[str, str]) -> None:
        self._run(
            "INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?)",
            (signature, json.dumps(mapping, sort_keys=True), datetime.now()),
        )

    def mapping(self, signature: str) -> dict[str, str] | None:
        rows = self._rows("SELECT mapping FROM column_mappings WHERE signature = ?", (signature,))
        return json.loads(rows[0][0]) if rows else None

    # ---- checklists ---------------------------------------------------------

    def create_plan(self, plan: PlanRecord) -> None:
        self._run(
            "INSERT INTO checklist_plans VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (plan.plan_id, plan.checklist_id, plan.subject, plan.start_date, plan.created_by, plan.created_at),
        )

    def update_plan_start(self, plan_id: str, start_date: date) -> None:
        self._run("UPDATE checklist_plans SET start_date = ? WHERE plan_id = ?", (start_date, plan_id))

    def plans(self, checklist_id: str | None = None) -> list[PlanRecord]:
        sql = "SELECT * FROM checklist_plans"
        params: tuple[Any, ...] = ()
        if checklist_id is not None:
            sql += " WHERE checklist_id = ?"
            params = (checklist_id,)
        return [PlanRecord(*r) for r in self._rows(sql + " ORDER BY subject", params)]

    def plan(self, plan_id: str) -> PlanRecord | None:
        rows = self._rows("SELECT * FROM checklist_plans WHERE plan_id = ?", (plan_id,))
        return PlanRecord(*rows[0]) if rows else None

    def record(self, plan_id: str, target: str, kind: EventKind, value: str | None, actor: str | None) -> None:
        """Append one checklist event; ``scoring.checklists.commands`` decides which, this only writes it."""
        self._run(
            "INSERT INTO checklist_events (plan_id, target, kind, value, actor, happened_at) VALUES (?, ?, ?, ?, ?, ?)",
            (plan_id, target, kind, value, actor, datetime.now()),
        )

    def events(self, plan_id: str | None = None) -> list[ChecklistEvent]:
        sql = "SELECT seq, plan_id, target, kind, value, actor, happened_at FROM checklist_events"
        params: tuple[Any, ...] = ()
        if plan_id is not None:
            sql += " WHERE plan_id = ?"
            params = (plan_id,)
        return [ChecklistEvent(*r) for r in self._rows(sql + " ORDER BY seq", params)]
