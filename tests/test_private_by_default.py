"""Private by default: a server started as the README says listens on loopback only.

Streamlit's own default is every interface; `allowedHosts` does not stop a
WebSocket that forges its Host header, so the bind address is what keeps the
app off the network. The listening sockets are read from /proc, as `ss` would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import AppServer

LOOPBACK_V4 = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
LOOPBACK_V6 = "00000000000000000000000001000000"  # ::1


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) with a socket listening on the port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc to list sockets")
def test_the_server_binds_to_loopback_unless_told_otherwise(tmp_path: Path) -> None:
    server = AppServer(db_path=tmp_path / "s.duckdb", log_path=tmp_path / "s.log", address=None).start()
    try:
        addresses = listening_addresses(server.port)
    finally:
        server.stop()
    assert addresses, "the server was not found listening at all"
    assert addresses <= {LOOPBACK_V4, LOOPBACK_V6}, f"listening beyond loopback: {addresses}"
