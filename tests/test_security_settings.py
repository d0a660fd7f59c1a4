"""The settings that keep a shared internal instance safe, checked as written and as enforced.

The config file is read as data (so a careless edit fails here), and the two
protections that matter most on a team server (XSRF on uploads, the Host
allow-list on the WebSocket) are probed on a real `streamlit run`.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import tomllib
import tracemalloc
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from scoring.db import Store, engine
from scoring.portfolio.contract import Export
from scoring.portfolio.ingest import read
from tests.hostile_corpus import CASES_BY_NAME
from tests.servers import ROOT, AppServer

CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
UNITS = {"b": 1, "kb": 1e3, "kib": 2**10, "mb": 1e6, "mib": 2**20, "gb": 1e9, "gib": 2**30, "tb": 1e12, "tib": 2**40}
MEMORY_CEILING = 4 * 2**30  # an explicit limit well under "80% of the machine", DuckDB's default


def size_in_bytes(text: str) -> float:
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]+)\s*", text)
    assert match, f"not a size: {text!r}"
    return float(match[1]) * UNITS[match[2].lower()]


def test_xsrf_protection_stays_on() -> None:
    assert CONFIG["server"]["enableXsrfProtection"] is True


def test_uploads_have_a_stated_size_limit() -> None:
    limit = CONFIG["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 0 < limit <= 1000


def test_allowed_hosts_is_an_explicit_list() -> None:
    hosts = CONFIG["server"]["allowedHosts"]
    assert hosts and "*" not in hosts
    assert {"localhost", "127.0.0.1"} <= set(hosts)


def test_error_details_are_not_shown_to_users() -> None:
    assert CONFIG["client"]["showErrorDetails"] in ("none", "type", False)


@pytest.mark.parametrize("open_connection", ["engine", "store"])
def test_duckdb_connections_have_a_memory_limit_and_spill_directory(open_connection: str, db_path: Path) -> None:
    store = Store(db_path) if open_connection == "store" else None
    try:
        with closing(engine()) if store is None else store.cursor() as con:
            row = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    finally:
        if store is not None:
            store.close()
    assert row is not None
    limit, spill = row
    assert 0 < size_in_bytes(limit) <= MEMORY_CEILING
    assert spill and Path(spill).is_dir()


@pytest.fixture
def zip_bomb(tmp_path: Path) -> Path:
    return CASES_BY_NAME["zip_bomb.xlsx"].path(tmp_path)


def test_the_excel_guard_refuses_a_zip_bomb_before_parsing(
    zip_bomb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook reached openpyxl")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_parse)
    tracemalloc.start()
    try:
        with closing(engine()) as con:
            source, problems = read.open_export(con, Export(zip_bomb.name, zip_bomb.read_bytes()), tmp_path, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert source is None
    assert [p.severity for p in problems] == ["error"]
    assert "refused" in problems[0].message
    assert peak < 50 * 2**20, f"the guard allocated {peak / 2**20:.0f} MiB: it must not inflate the sheet"


def test_the_excel_guard_lets_an_ordinary_workbook_through(tmp_path: Path) -> None:
    workbook = CASES_BY_NAME["error_cells.xlsx"].path(tmp_path)
    with closing(engine()) as con:
        source, problems = read.open_export(con, Export.from_path(workbook), tmp_path, 0)
    assert source is not None, problems
    assert "account_id" in source.headers


# ---- enforced by a running server ----------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("security")
    app = AppServer(db_path=folder / "server.duckdb", log_path=folder / "streamlit.log").start()
    yield app
    app.stop()


def websocket_status(server: AppServer, host: str) -> int:
    """Open Streamlit's WebSocket with a chosen Host header; 101 means the server accepted it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest("GET", "/_stcore/stream", skip_host=True)
        for name, value in (
            ("Host", host),
            ("Origin", f"http://{host}"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", base64.b64encode(os.urandom(16)).decode()),
            ("Sec-WebSocket-Version", "13"),
        ):
            conn.putheader(name, value)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_server_only_answers_allowed_host_names(server: AppServer) -> None:
    assert websocket_status(server, f"127.0.0.1:{server.port}") == 101
    assert websocket_status(server, "localhost") == 101
    assert websocket_status(server, "attacker.example") == 403


def test_an_upload_without_the_xsrf_token_is_refused(server: AppServer) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\naccount_id\r\nA1\r\n--b--\r\n"
    )
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(
            "PUT",
            "/_stcore/upload_file/session/file",
            body=body,
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        response = conn.getresponse()
        assert response.status == 403
        assert b"XSRF" in response.read()
    finally:
        conn.close()
