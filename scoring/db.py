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
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from scoring.checklists.model import ChecklistEvent, EventKind, PlanRecord, PlanSnapshot
from scoring.custom_models import SavedModel
from scoring.diagnosis.model import EventKind as IssueEventKind
from scoring.diagnosis.model import Intake, IssueEvent, IssueRecord
from scoring.private_files import keep_private, private_umask, scratch
from scoring.snapshots.records import SnapshotInfo, SourceFile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "health_studio.duckdb"
MEMORY_LIMIT = os.environ.get("HEALTH_STUDIO_MEMORY_LIMIT", "1GB")
LOG = logging.getLogger(__name__)
THREADS = 2
# How messages name the database file: by the setting that chooses it, never by its path on the server.
DB_SETTING = "HEALTH_STUDIO_DB"

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
CREATE TABLE IF NOT EXISTS checklist_snapshots (
    plan_id VARCHAR PRIMARY KEY,
    upto_seq BIGINT NOT NULL,
    definition VARCHAR NOT NULL,
    state VARCHAR NOT NULL
);
"""


class StoreUnavailable(RuntimeError):
    """The database file cannot be opened; the message says why and what to do."""


def _unavailable(path: Path, exc: BaseException, message: str) -> StoreUnavailable:
    """The user's message names no server path (pages show it); the operator log keeps the path and the cause."""
    LOG.error("the database %s cannot be used: %s", path, exc)
    return StoreUnavailable(message)


def db_path() -> Path:
    return Path(os.environ.get("HEALTH_STUDIO_DB") or DEFAULT_DB)


def _config(spill_dir: Path) -> dict[str, Any]:
    """Memory limit, threads, and a spill directory inside this process's private (0700) directory.

    DuckDB's ``in_clause`` optimizer is off: together with common-subexpression
    elimination it took 30 s to *plan* the one-pass aggregate of a 300-row export
    whose yes/no column is parsed with ``IN (...)`` lists (0.05 s without it).  Our
    ``IN`` lists are a dozen constants, which gain nothing from its rewrite.
    """
    return {
        "memory_limit": MEMORY_LIMIT,
        "temp_directory": str(spill_dir),
        "threads": THREADS,
        "disabled_optimizers": "in_clause",
    }


def engine() -> Connection:
    """A private in-memory database for scoring one upload; it spills only into this process's own directory."""
    return duckdb.connect(":memory:", config=_config(scratch("spill")))


def engine_with_text_functions(functions: Mapping[str, Callable[[str], str]]) -> Connection:
    """An ``engine()`` where each Python function is also a SQL function of one VARCHAR (the CSV writer's rules)."""
    con = engine()
    for name, function in functions.items():
        con.create_function(name, function, [duckdb.sqltypes.VARCHAR], duckdb.sqltypes.VARCHAR)
    return con


def add_text_functions(con: Connection, functions: Mapping[str, Callable[[str], str]]) -> None:
    """The same SQL functions on an engine already open: the CLI writes its CSV from the scoring engine itself."""
    known = {row[0] for row in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}
    for name, function in functions.items():
        if name not in known:
            con.create_function(name, function, [duckdb.sqltypes.VARCHAR], duckdb.sqltypes.VARCHAR)


class Store:
    """The saved state of the app, in one DuckDB file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with private_umask():  # a new database file (and its log) is the owner's alone: 0600
                self._con = duckdb.connect(str(self.path), config=_config(scratch("store-spill")))
                self._con.execute(SCHEMA)
            migrate(self._con)
            keep_private(self.path)
            keep_private(self._wal)
        except OSError as exc:
            raise _unavailable(
                self.path,
                exc,
                f"The database ({DB_SETTING}) cannot be created or opened here ({exc.strerror or 'refused'}). Give "
                "the server write access to the database's folder, or point HEALTH_STUDIO_DB at a writable place.",
            ) from None
        except duckdb.IOException as exc:
            if "not a valid" in str(exc) or "could not read enough bytes" in str(exc).lower():  # or cut short
                raise _unavailable(
                    self.path,
                    exc,
                    f"The database ({DB_SETTING}) is damaged or is not a DuckDB file. Restore it from a "
                    "backup, or move it aside and restart to begin with an empty one.",
                ) from None
            if "lock" in str(exc).lower():
                raise _unavailable(
                    self.path,
                    exc,
                    f"The database ({DB_SETTING}) is already open in another Account Health Studio "
                    "server. Only one server may use a database file: stop the other server, or "
                    "point this one at its own file with HEALTH_STUDIO_DB.",
                ) from None
            if "permission" in str(exc).lower() or "read-only" in str(exc).lower():
                raise _unavailable(
                    self.path,
                    exc,
                    f"The database ({DB_SETTING}) could not be opened: the server may not write there. Give it "
                    "write access to the file and its folder, or point HEALTH_STUDIO_DB at a writable place.",
                ) from None
            raise _unavailable(
                self.path,
                exc,
                f"The database ({DB_SETTING}) could not be opened. Check that the disk is not full and the file "
                "is in place, then restart the server.",
            ) from None
        except duckdb.Error as exc:
            raise _unavailable(
                self.path,
                exc,
                f"The database ({DB_SETTING}) is damaged or is not a DuckDB file. "
                "Restore it from a backup, or move it aside to start with an empty one.",
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
        if not self.path.exists():  # deleted while open: DuckDB would write on into the unlinked file, then lose it
            raise duckdb.IOException(f"No such file: {self.path} was removed while the database was open")
        with self.cursor() as cur:
            cur.execute(sql, list(params))
        keep_private(self._wal)  # DuckDB makes the log anew after a checkpoint, with the process umask

    @property
    def _wal(self) -> Path:
        return Path(f"{self.path}.wal")

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

    # ---- checklist snapshots: each plan's replayed state, so a page run replays only what came after ----

    def plan_snapshots(self, plan_ids: Sequence[str]) -> dict[str, PlanSnapshot]:
        rows = self._rows(
            "SELECT plan_id, upto_seq, definition, state FROM checklist_snapshots WHERE list_contains(?, plan_id)",
            (list(plan_ids),),
        )
        return {r[0]: PlanSnapshot(*r) for r in rows}

    def events_after(self, upto: Mapping[str, int]) -> list[ChecklistEvent]:
        """The events of the plans in ``upto`` whose number is above that plan's entry (-1 for all), in order.

        The lowest entry is also given as a plain bound, which lets DuckDB skip
        whole row groups of older events (numbers only grow).
        """
        if not upto:
            return []
        sql = (
            "SELECT e.seq, e.plan_id, e.target, e.kind, e.value, e.actor, e.happened_at FROM checklist_events e "
            "JOIN (SELECT unnest(?::VARCHAR[]) AS plan_id, unnest(?::BIGINT[]) AS upto) w ON e.plan_id = w.plan_id "
            "WHERE e.seq > w.upto AND e.seq > ? ORDER BY e.seq"
        )
        rows = self._rows(sql, (list(upto), list(upto.values()), min(upto.values())))
        return [ChecklistEvent(*r) for r in rows]

    def save_snapshots(self, snapshots: Sequence[PlanSnapshot]) -> None:
        """Keep each snapshot unless its plan has a newer one of the same definition (sessions may race).

        One transaction for all of them: a commit costs more than the rows.
        """
        if not snapshots:
            return
        with self.cursor() as cur:
            cur.execute("BEGIN")
            try:
                cur.executemany(
                    "INSERT INTO checklist_snapshots VALUES (?, ?, ?, ?) ON CONFLICT (plan_id) DO UPDATE SET "
                    "upto_seq = excluded.upto_seq, definition = excluded.definition, state = excluded.state "
                    "WHERE excluded.upto_seq > checklist_snapshots.upto_seq "
                    "OR excluded.definition <> checklist_snapshots.definition",
                    [(s.plan_id, s.upto_seq, s.definition, s.state) for s in snapshots],
                )
                cur.execute("COMMIT")
            except duckdb.Error:
                cur.execute("ROLLBACK")
                raise
        keep_private(self._wal)


# ---- customer issues: intake records and their append-only event log -------
#
# An issue's intake is inserted once and never updated; every later change is
# a row in ``issue_events`` (``scoring.diagnosis.replay`` rebuilds the state).
# The tables join SCHEMA, so every Store creates them on open.  Reached as
# ``issue_store(store)``; ``scoring.diagnosis.commands`` is the only caller.

ISSUE_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS issue_seq;
CREATE TABLE IF NOT EXISTS issues (
    issue_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    account_name VARCHAR NOT NULL,
    symptom VARCHAR NOT NULL,
    goal VARCHAR NOT NULL,
    technical_fact VARCHAR NOT NULL,
    business_impact VARCHAR NOT NULL,
    tried VARCHAR NOT NULL,
    restated VARCHAR NOT NULL,
    confirmed BOOLEAN NOT NULL,
    category_id VARCHAR NOT NULL,
    tag VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    update_by DATE NOT NULL,
    opened_by VARCHAR NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    demo BOOLEAN NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS issue_event_seq;
CREATE TABLE IF NOT EXISTS issue_events (
    seq BIGINT PRIMARY KEY DEFAULT nextval('issue_event_seq'),
    issue_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR,
    actor VARCHAR,
    happened_at TIMESTAMP NOT NULL
);
"""
SCHEMA += ISSUE_SCHEMA
_ISSUE_COLUMNS = (
    "account_id, account_name, symptom, goal, technical_fact, business_impact, tried, restated, confirmed, "
    "category_id, tag, severity, update_by, opened_by, opened_at, demo"
)
_ISSUE_MARKS = ", ".join("?" * len(_ISSUE_COLUMNS.split(",")))  # one bound value per column above


def _issue_params(record: IssueRecord) -> tuple[Any, ...]:
    i = record.intake
    return (
        record.account_id,
        record.account_name,
        i.symptom,
        i.goal,
        i.technical_fact,
        i.business_impact,
        i.tried,
        i.restated,
        i.confirmed,
        i.category_id,
        i.tag,
        i.severity,
        i.update_by,
        record.opened_by,
        record.opened_at,
        record.demo,
    )


def _issue_record(row: Sequence[Any]) -> IssueRecord:
    (issue_id, account_id, account_name, symptom, goal, fact, impact, tried, restated, confirmed) = row[:10]
    (category_id, tag, severity, update_by, opened_by, opened_at, demo) = row[10:]
    intake = Intake(
        symptom, goal, fact, impact, tried, restated, bool(confirmed), category_id, tag, severity, update_by
    )
    return IssueRecord(issue_id, account_id, account_name, intake, opened_by, opened_at, bool(demo))


class IssueStore:
    """The issue tables of a ``Store``: one autocommitted statement per call.

    So a ``kill -9`` loses nothing that was acknowledged.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, record: IssueRecord) -> str:
        """Insert a new intake under the next ``ISS-n`` id (``record.issue_id`` is ignored) and return the id."""
        rows = self._store._rows(
            f"INSERT INTO issues (issue_id, {_ISSUE_COLUMNS}) "
            f"VALUES ('ISS-' || nextval('issue_seq'), {_ISSUE_MARKS}) RETURNING issue_id",
            _issue_params(record),
        )
        return str(rows[0][0])

    def insert_fixed(self, record: IssueRecord) -> bool:
        """Insert an intake under its own id (the demo's); False when that id is already saved."""
        rows = self._store._rows(
            f"INSERT INTO issues (issue_id, {_ISSUE_COLUMNS}) VALUES (?, {_ISSUE_MARKS}) "
            "ON CONFLICT DO NOTHING RETURNING issue_id",
            (record.issue_id, *_issue_params(record)),
        )
        return bool(rows)

    def count(self) -> int:
        return int(self._store._rows("SELECT count(*) FROM issues")[0][0])

    def records(self) -> list[IssueRecord]:
        rows = self._store._rows(f"SELECT issue_id, {_ISSUE_COLUMNS} FROM issues ORDER BY opened_at")
        return [_issue_record(r) for r in rows]

    def record_event(
        self, issue_id: str, kind: IssueEventKind, value: str | None, actor: str | None, at: datetime | None = None
    ) -> None:
        """Append one event; ``scoring.diagnosis.commands`` decides which, this only writes it."""
        self._store._run(
            "INSERT INTO issue_events (issue_id, kind, value, actor, happened_at) VALUES (?, ?, ?, ?, ?)",
            (issue_id, kind, value, actor, at or datetime.now()),
        )

    def events(self, issue_id: str | None = None) -> list[IssueEvent]:
        sql = "SELECT seq, issue_id, kind, value, actor, happened_at FROM issue_events"
        params: tuple[Any, ...] = ()
        if issue_id is not None:
            sql += " WHERE issue_id = ?"
            params = (issue_id,)
        return [IssueEvent(*r) for r in self._store._rows(sql + " ORDER BY seq", params)]


def issue_store(store: Store) -> IssueStore:
    """The issue tables of ``store``."""
    return IssueStore(store)


# ---- QBR notes and account profiles (issue 15) --------------------------------
#
# What only the CSM knows for a quarterly business review (value delivered,
# risks, goals, the day it was held) per account and quarter, and two account
# facts the exports rarely carry (customer since, reference tier).  Each save
# is one autocommitted upsert.  The tables join SCHEMA, so every Store
# creates them on open.  Reached as ``qbr_store(store)``;
# ``scoring.qbr.notes`` is the only caller.

from scoring.qbr.records import AccountProfile, QbrNotes  # noqa: E402  (kept with its own section)

QBR_SCHEMA = """
CREATE TABLE IF NOT EXISTS qbr_notes (
    account_id VARCHAR NOT NULL,
    quarter VARCHAR NOT NULL,
    achievements VARCHAR NOT NULL,
    time_saved VARCHAR NOT NULL,
    cost_reduction VARCHAR NOT NULL,
    other_impact VARCHAR NOT NULL,
    risks VARCHAR NOT NULL,
    goals VARCHAR NOT NULL,
    held_on DATE,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, quarter)
);
CREATE TABLE IF NOT EXISTS account_profiles (
    account_id VARCHAR PRIMARY KEY,
    customer_since DATE,
    reference_tier INTEGER,
    saved_at TIMESTAMP NOT NULL
);
"""
SCHEMA += QBR_SCHEMA
_QBR_NOTE_COLUMNS = "achievements, time_saved, cost_reduction, other_impact, risks, goals, held_on"


class QbrStore:
    """The QBR tables of a ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save_notes(self, account_id: str, quarter: str, notes: QbrNotes, actor: str | None) -> None:
        self._store._run(
            f"INSERT OR REPLACE INTO qbr_notes (account_id, quarter, {_QBR_NOTE_COLUMNS}, saved_by, saved_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                account_id,
                quarter,
                notes.achievements,
                notes.time_saved,
                notes.cost_reduction,
                notes.other_impact,
                notes.risks,
                notes.goals,
                notes.held_on,
                actor,
                datetime.now(),
            ),
        )

    def notes(self, account_id: str, quarter: str) -> QbrNotes | None:
        rows = self._store._rows(
            f"SELECT {_QBR_NOTE_COLUMNS} FROM qbr_notes WHERE account_id = ? AND quarter = ?", (account_id, quarter)
        )
        return QbrNotes(*rows[0]) if rows else None

    def held(self, quarter: str) -> set[str]:
        rows = self._store._rows(
            "SELECT account_id FROM qbr_notes WHERE quarter = ? AND held_on IS NOT NULL", (quarter,)
        )
        return {str(r[0]) for r in rows}

    def save_profile(self, account_id: str, profile: AccountProfile) -> None:
        self._store._run(
            "INSERT OR REPLACE INTO account_profiles (account_id, customer_since, reference_tier, saved_at) "
            "VALUES (?, ?, ?, ?)",
            (account_id, profile.customer_since, profile.reference_tier, datetime.now()),
        )

    def profiles(self) -> dict[str, AccountProfile]:
        rows = self._store._rows("SELECT account_id, customer_since, reference_tier FROM account_profiles")
        return {str(r[0]): AccountProfile(r[1], r[2]) for r in rows}


def qbr_store(store: Store) -> QbrStore:
    """The QBR tables of ``store``."""
    return QbrStore(store)


# ---- snapshots: schema version, migration, tables -------------------------
#
# A database written before snapshots existed has no ``schema_version`` table;
# ``migrate`` brings any older file up to ``SCHEMA_VERSION`` in steps, each
# step one transaction, so a file opened by this version never needs a manual
# upgrade.  Step 2 adds the snapshot tables.  Step 3 adds ``snapshot_moves``:
# per snapshot, how many accounts (and how much ARR) went from each band of
# the snapshot before it to each band now.  It is kept up to date inside the
# save and delete transactions, so listing the snapshots, the book by band
# and the entries and exits per band read a few hundred summary rows instead
# of every account-row (5.2M for a year of weekly snapshots of 100k accounts).

SCHEMA_VERSION = 3
SNAPSHOT_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS snapshot_seq;
CREATE TABLE IF NOT EXISTS snapshots (
    id BIGINT PRIMARY KEY DEFAULT nextval('snapshot_seq'),
    as_of DATE NOT NULL,
    model_id VARCHAR NOT NULL,
    model_name VARCHAR NOT NULL,
    model_hash VARCHAR NOT NULL,
    model_toml VARCHAR NOT NULL,
    files_key VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    UNIQUE (model_hash, files_key, as_of)
);
CREATE TABLE IF NOT EXISTS snapshot_files (
    snapshot_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    digest VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot_accounts (
    snapshot_id BIGINT NOT NULL,
    account_id VARCHAR NOT NULL,
    account_name VARCHAR,
    owner VARCHAR,
    segment VARCHAR,
    arr DOUBLE,
    score DOUBLE,
    band VARCHAR,
    coverage DOUBLE,
    signals VARCHAR NOT NULL,
    attainments VARCHAR NOT NULL,
    groups VARCHAR NOT NULL,
    bonuses VARCHAR NOT NULL
);
"""
SNAPSHOT_MOVES_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot_moves (
    snapshot_id BIGINT NOT NULL,
    old_band VARCHAR,
    new_band VARCHAR,
    accounts BIGINT NOT NULL,
    arr DOUBLE
);
"""
# old_band NULL: new to the book in this snapshot; new_band NULL: gone from it (arr is then its last ARR).
# A stored band is never NULL (capture writes "insufficient" or the band's name).
_MOVES_OF_ONE = (
    "INSERT INTO snapshot_moves SELECT ?, o.band, n.band, count(*), "
    "sum(CASE WHEN n.account_id IS NULL THEN o.arr ELSE n.arr END) "
    "FROM (SELECT account_id, band, arr FROM snapshot_accounts WHERE snapshot_id = ?) n "
    "FULL JOIN (SELECT account_id, band, arr FROM snapshot_accounts WHERE snapshot_id = ?) o "
    "ON n.account_id = o.account_id GROUP BY o.band, n.band"
)
_NEIGHBOURS = (
    "SELECT id, lag(id) OVER w AS before, lead(id) OVER w AS after FROM snapshots "
    "WINDOW w AS (ORDER BY as_of, saved_at, id)"
)


def _refresh_moves(cur: Connection, snapshot_ids: Sequence[int]) -> None:
    """Recount the band moves of each snapshot against the one before it (inside the caller's transaction)."""
    before = {int(r[0]): r[1] for r in cur.execute(_NEIGHBOURS).fetchall()}
    for sid in snapshot_ids:
        if sid not in before:
            continue
        cur.execute("DELETE FROM snapshot_moves WHERE snapshot_id = ?", [sid])
        cur.execute(_MOVES_OF_ONE, [sid, sid, before[sid]])


SNAPSHOT_ACCOUNT_COLUMNS = (
    "account_id",
    "account_name",
    "owner",
    "segment",
    "arr",
    "score",
    "band",
    "coverage",
    "signals",
    "attainments",
    "groups",
    "bonuses",
)


def schema_version(con: Connection) -> int:
    """The version an open database file is at; 1 for a file from before versions were recorded."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 1


def migrate(con: Connection) -> int:
    """Upgrade an open database file to ``SCHEMA_VERSION``; returns the version it was at."""
    found = schema_version(con)
    if found < 2:
        con.execute("BEGIN TRANSACTION")
        con.execute(SNAPSHOT_SCHEMA)
        con.execute("INSERT INTO schema_version VALUES (2)")
        con.execute("COMMIT")
    if found < 3:
        con.execute("BEGIN TRANSACTION")
        con.execute(SNAPSHOT_MOVES_SCHEMA)
        _refresh_moves(con, [int(r[0]) for r in con.execute("SELECT id FROM snapshots").fetchall()])
        con.execute("INSERT INTO schema_version VALUES (3)")
        con.execute("COMMIT")
    return found


def _snapshot_info(row: Sequence[Any], files: list[SourceFile]) -> SnapshotInfo:
    sid, as_of, model_id, model_name, model_hash, model_toml, label, saved_at, accounts = row
    return SnapshotInfo(
        int(sid), as_of, model_id, model_name, model_hash, model_toml, tuple(files), int(accounts), saved_at, label
    )


class SnapshotStore:
    """The snapshot tables of a ``Store``: saving is one transaction, reads are single statements.

    Reached as ``store.snapshots``; ``scoring.snapshots`` is the only caller.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def find(self, model_hash: str, files_key: str, as_of: date) -> int | None:
        rows = self._store._rows(
            "SELECT id FROM snapshots WHERE model_hash = ? AND files_key = ? AND as_of = ?",
            (model_hash, files_key, as_of),
        )
        return int(rows[0][0]) if rows else None

    def save(
        self,
        header: Mapping[str, Any],
        files: Sequence[SourceFile],
        accounts: Any,
    ) -> tuple[int, bool]:
        """Insert one snapshot (``accounts`` a DataFrame of ``SNAPSHOT_ACCOUNT_COLUMNS``); (id, created).

        Idempotent on (model hash, files key, as-of): the same save twice returns the first id.
        """
        found = self.find(header["model_hash"], header["files_key"], header["as_of"])
        if found is not None:
            return found, False
        columns = ", ".join(SNAPSHOT_ACCOUNT_COLUMNS)
        with self._store.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                sid = cur.execute(
                    "INSERT INTO snapshots (as_of, model_id, model_name, model_hash, model_toml, files_key, label, "
                    "saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [
                        header["as_of"],
                        header["model_id"],
                        header["model_name"],
                        header["model_hash"],
                        header["model_toml"],
                        header["files_key"],
                        header.get("label", ""),
                        datetime.now(),
                    ],
                ).fetchall()[0][0]
                cur.executemany(
                    "INSERT INTO snapshot_files VALUES (?, ?, ?, ?)",
                    [[sid, i, f.name, f.digest] for i, f in enumerate(files)],
                )
                cur.register("incoming_snapshot", accounts)
                cur.execute(
                    f"INSERT INTO snapshot_accounts (snapshot_id, {columns}) "
                    f"SELECT ?, {columns} FROM incoming_snapshot",
                    [sid],
                )
                cur.unregister("incoming_snapshot")
                after = {int(r[0]): r[2] for r in cur.execute(_NEIGHBOURS).fetchall()}[int(sid)]
                _refresh_moves(cur, [int(sid), *([int(after)] if after is not None else [])])
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return int(sid), True

    def list(self) -> list[SnapshotInfo]:
        """Every snapshot, oldest as-of first (ties: saved first)."""
        rows = self._store._rows(
            "SELECT s.id, s.as_of, s.model_id, s.model_name, s.model_hash, s.model_toml, s.label, s.saved_at, "
            "(SELECT coalesce(sum(m.accounts), 0) FROM snapshot_moves m "
            "WHERE m.snapshot_id = s.id AND m.new_band IS NOT NULL) "
            "FROM snapshots s ORDER BY s.as_of, s.saved_at, s.id"
        )
        files: dict[int, list[SourceFile]] = {}
        for sid, name, digest in self._store._rows(
            "SELECT snapshot_id, name, digest FROM snapshot_files ORDER BY snapshot_id, position"
        ):
            files.setdefault(int(sid), []).append(SourceFile(name, digest))
        return [_snapshot_info(r, files.get(int(r[0]), [])) for r in rows]

    def delete(self, snapshot_id: int) -> bool:
        """Remove one snapshot and its rows in one transaction; False when there was none."""
        with self._store.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                after = {int(r[0]): r[2] for r in cur.execute(_NEIGHBOURS).fetchall()}.get(snapshot_id)
                gone = cur.execute("DELETE FROM snapshots WHERE id = ? RETURNING id", [snapshot_id]).fetchall()
                cur.execute("DELETE FROM snapshot_files WHERE snapshot_id = ?", [snapshot_id])
                cur.execute("DELETE FROM snapshot_accounts WHERE snapshot_id = ?", [snapshot_id])
                cur.execute("DELETE FROM snapshot_moves WHERE snapshot_id = ?", [snapshot_id])
                if after is not None:  # the next snapshot now follows the one before the deleted one
                    _refresh_moves(cur, [int(after)])
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return bool(gone)

    def accounts(self, snapshot_id: int, account_id: str | None = None) -> Any:
        """A snapshot's account rows (a DataFrame), or one account's."""
        sql = f"SELECT {', '.join(SNAPSHOT_ACCOUNT_COLUMNS)} FROM snapshot_accounts WHERE snapshot_id = ?"
        params: list[Any] = [snapshot_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        with self._store.cursor() as cur:
            return cur.execute(sql, params).df()

    def compare(self, older: int, newer: int, worse: Sequence[str]) -> Any:
        """Accounts of the newer snapshot beside their row in the older one (NULLs when new), as a DataFrame,
        with ``delta`` (new - old score, one decimal) and ``moved_down`` (a later band in ``worse``, which
        lists the bands best first).  Computed here and handed over through Arrow: building the frame
        row by row in Python took longer than the join itself on 100k accounts."""
        with self._store.cursor() as cur:
            return (
                cur.sql(
                    "SELECT n.account_id, n.account_name, n.owner, n.segment, n.arr, "
                    "o.score AS old_score, n.score AS new_score, o.band AS old_band, n.band AS new_band, "
                    "round(n.score - o.score, 1) AS delta, "
                    "coalesce(list_position($worse, n.band) > list_position($worse, o.band), false) AS moved_down "
                    "FROM (SELECT account_id, account_name, owner, segment, arr, score, band "
                    "FROM snapshot_accounts WHERE snapshot_id = $newer) n "
                    "LEFT JOIN (SELECT account_id, score, band FROM snapshot_accounts WHERE snapshot_id = $older) o "
                    "USING (account_id)",
                    params={"worse": list(worse), "newer": newer, "older": older},
                )
                .to_arrow_table()
                .to_pandas()
            )

    def flows(self) -> Any:
        """Per snapshot after the first (by as-of) and band: accounts that entered it and that left it
        since the snapshot before (a DataFrame: snapshot_id, band, entered, left).  Accounts new to
        the book enter their band; accounts gone from it leave theirs.  Read from ``snapshot_moves``."""
        with self._store.cursor() as cur:
            return cur.execute(
                "WITH ordered AS (SELECT id, row_number() OVER (ORDER BY as_of, saved_at, id) AS n FROM snapshots), "
                "moved AS (SELECT * FROM snapshot_moves WHERE old_band IS DISTINCT FROM new_band), "
                "counted AS (SELECT snapshot_id, new_band AS band, accounts AS entered, 0 AS left_ FROM moved "
                "WHERE new_band IS NOT NULL "
                "UNION ALL SELECT snapshot_id, old_band, 0, accounts FROM moved WHERE old_band IS NOT NULL) "
                "SELECT c.snapshot_id, c.band, sum(c.entered)::BIGINT AS entered, sum(c.left_)::BIGINT AS left "
                "FROM counted c JOIN ordered o ON o.id = c.snapshot_id WHERE o.n > 1 "
                "GROUP BY c.snapshot_id, c.band ORDER BY c.snapshot_id, c.band"
            ).df()

    def book(self) -> Any:
        """Accounts and ARR per snapshot and band (a DataFrame: snapshot_id, band, accounts, arr)."""
        with self._store.cursor() as cur:
            return cur.execute(
                "SELECT snapshot_id, new_band AS band, sum(accounts)::BIGINT AS accounts, sum(arr) AS arr "
                "FROM snapshot_moves WHERE new_band IS NOT NULL GROUP BY snapshot_id, new_band "
                "ORDER BY snapshot_id, band"
            ).df()

    def account_history(self, account_id: str) -> Any:
        """One account's score, band, coverage and ARR in every snapshot that holds it (a DataFrame)."""
        with self._store.cursor() as cur:
            return cur.execute(
                "SELECT snapshot_id, account_id, score, band, coverage, arr FROM snapshot_accounts "
                "WHERE account_id = ? ORDER BY snapshot_id",
                [account_id],
            ).df()


def snapshot_store(store: Store) -> SnapshotStore:
    """The snapshot tables of ``store``."""
    return SnapshotStore(store)


# ---- expansion flags set on the account page (issue 15) -----------------------
#
# Three of seed 004's expansion signals (a new department interested, premium
# feature requests, executive engagement rising) rarely sit in an export; the
# CSM sets them on the account page.  One row per account and signal, each
# save one autocommitted upsert that records who set it and when.  The table
# joins SCHEMA, so every Store creates it on open.  Reached as
# ``flag_store(store)``; ``scoring.revenue.flags`` is the only caller.

FLAG_SCHEMA = """
CREATE TABLE IF NOT EXISTS expansion_flags (
    account_id VARCHAR NOT NULL,
    signal_id VARCHAR NOT NULL,
    flagged BOOLEAN NOT NULL,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, signal_id)
);
"""
SCHEMA += FLAG_SCHEMA


class FlagStore:
    """The expansion-flag table of a ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, account_id: str, flags: Mapping[str, bool], actor: str | None) -> None:
        """Every flag of one account in one transaction, so a half-saved form never shows."""
        now = datetime.now()
        with self._store.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.executemany(
                    "INSERT OR REPLACE INTO expansion_flags (account_id, signal_id, flagged, saved_by, saved_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [[account_id, signal_id, bool(on), actor, now] for signal_id, on in flags.items()],
                )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def flagged(self) -> dict[str, frozenset[str]]:
        """Account id -> the signal ids set on, for every account with at least one."""
        rows = self._store._rows("SELECT account_id, signal_id FROM expansion_flags WHERE flagged")
        found: dict[str, set[str]] = {}
        for account_id, signal_id in rows:
            found.setdefault(str(account_id), set()).add(str(signal_id))
        return {k: frozenset(v) for k, v in found.items()}


def flag_store(store: Store) -> FlagStore:
    """The expansion-flag table of ``store``."""
    return FlagStore(store)
