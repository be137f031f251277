"""A throwaway PostgreSQL 15 + PostGIS cluster for the tests (initdb / pg_ctl in a tmp dir).

PostgreSQL refuses to run as root, so under root the cluster runs as the ``postgres`` system
user that Debian's package creates (``runuser``). It listens on a free loopback port and a
unix socket in its own folder, trusts local connections, and is stopped (and deleted) at the
end of the session. Each test gets a fresh database cloned from a template that already has
the PostGIS extension, so a test costs a ``CREATE DATABASE``, not an ``initdb``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing() -> str | None:
    """Why the cluster cannot run here, or None."""
    if not (BIN / "initdb").exists():
        return "PostgreSQL 15 is not installed (bash .ci/install-system-deps installs it)"
    if not POSTGIS.exists():
        return "PostGIS for PostgreSQL 15 is not installed (postgresql-15-postgis-3)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg 3 is not installed (pip install -e '.[test]')"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PGServer:
    """A running cluster: ``url(dbname)`` connects as the superuser ``geomap``."""

    root: Path
    port: int
    user: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://geomap@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "geomap", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.root} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w", "-t", "60",
                  "-l", str(self.root / "log"), "start")  # fmt: skip
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE geomap_template")
        with psycopg.connect(self.url("geomap_template"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def stop(self) -> None:
        try:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database (PostGIS created); returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE geomap_template")
        return self.url(name)


def start_server() -> PGServer:
    """Start a cluster in a new tmp dir (readable by the cluster's user when run as root)."""
    root = Path(tempfile.mkdtemp(prefix="geomap-pg-"))
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    if os.geteuid() == 0:
        shutil.chown(root, user=user)
    server = PGServer(root, _free_port(), user)
    try:
        server.start()
    except BaseException:
        log = root / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL in {root}: {detail}") from None
    return server
