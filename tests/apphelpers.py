"""Helpers for the app tests and the app benchmark: stores filled directly through SQL,
hostile records and articles, a free port and a Streamlit server process.

Direct inserts write exactly the ``incident`` table's columns (``INCIDENT_FIELDS`` with
``incident_id`` stored as ``id``) plus one ``article`` row per incident, so the app sees a
non-empty store and does not load the samples.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from geomap.models import INCIDENT_FIELDS
from geomap.store.sqlite import open_store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"

#: Payloads that set ``window.__pwned`` (or open a dialog) if they ever run.
XSS = (
    '<img src=x onerror="window.__pwned=1;parent.__pwned=1">',
    "${window.__pwned=1}",
    "`;window.__pwned=1;`",
    "</script><script>window.__pwned=1;alert(1)</script>",
    "<svg onload=alert(1)>",
    "\\u003cimg src=x onerror=alert(1)\\u003e",
)
HOSTILE_URL = "javascript:window.__pwned=1;alert(1)"

_TYPES = (
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
)
_PLACES = (
    ("al-Bab", "Aleppo", "Syria", "SYR", 36.3707, 37.5157, 170017),
    ("Ar Ra'i", "Aleppo", "Syria", "SYR", 36.5917, 37.3306, 170906),
    ("Aleppo", "Aleppo", "Syria", "SYR", 36.2021, 37.1343, 170063),
    ("Mosul", "Nineveh", "Iraq", "IRQ", 36.335, 43.1189, 99072),
    ("Kilis", "Kilis", "Turkey", "TUR", 36.7184, 37.1212, 300640),
    ("Idlib", "Idlib", "Syria", "SYR", 35.9306, 36.6339, 169389),
)
_SELECT_COLS = ["id" if k == "incident_id" else k for k in INCIDENT_FIELDS]


def synthetic_records(n: int, *, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``n`` plausible incident records spread around the places above (2016-2017)."""
    rng = random.Random(seed)
    for i in range(n):
        etype, sub = _TYPES[i % len(_TYPES)]
        name, admin1, country, iso3, lat, lon, gid = _PLACES[i % len(_PLACES)]
        day = f"{2016 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        killed = rng.choice((None, 0, 1, 2, 5, 12))
        sources = [
            {
                "name": f"Agency {k}",
                "url": f"https://news{k}.example.org/{i}",
                "published": day,
                "excerpt": f"Shelling hit {name} on Thursday, officials said (report {i}).",
                "article_id": f"a{i:07d}-{k}",
            }
            for k in range(1 + i % 2)
        ]
        yield {
            "incident_id": f"inc-{i:08d}",
            "event_date": day,
            "time_precision": 1,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": "Military Forces of Syria" if i % 3 == 0 else "Rebel group",
            "actor2": "Civilians (Syria)" if i % 4 == 0 else "",
            "iso3": iso3,
            "country": country,
            "admin1": admin1,
            "location": name,
            "latitude": round(lat + rng.uniform(-0.6, 0.6), 5),
            "longitude": round(lon + rng.uniform(-0.6, 0.6), 5),
            "geo_precision": 1 + i % 3,
            "source": "; ".join(s["name"] for s in sources),
            "notes": f"Synthetic incident {i} near {name}.",
            "fatalities": killed,
            "injured": None if i % 5 else 3,
            "source_count": len(sources),
            "geonameid": gid,
            "location_method": "gazetteer",
            "confidence": round(0.3 + (i % 7) / 10, 2),
            "sources": sources,
            "evidence": [],
            "link_reasons": [],
        }


def hostile_records() -> list[dict[str, Any]]:
    """Incidents whose every text field carries a script payload (and a javascript: link)."""
    out = []
    for i, payload in enumerate(XSS):
        name, _admin1, country, iso3, lat, lon, gid = _PLACES[i % len(_PLACES)]
        evil_url = f'https://x.example/"><img src=x onerror={i}>'
        out.append(
            {
                "incident_id": f"evil-{i}",
                "event_date": "2017-02-0" + str(1 + i),
                "time_precision": 1,
                "event_type": f"Battles{payload}" if i % 2 else "Battles",
                "sub_event_type": payload,
                "actor1": f"Group {payload}",
                "actor2": payload,
                "iso3": iso3,
                "country": country,
                "admin1": payload,
                "location": f"{name} {payload}",
                "latitude": lat + 0.01 * i,
                "longitude": lon + 0.01 * i,
                "geo_precision": 1 + i % 3,
                "source": payload,
                "notes": payload,
                "fatalities": 3,
                "injured": 1,
                "source_count": 2,
                "geonameid": gid,
                "location_method": payload if i == 3 else "gazetteer",
                "confidence": 0.9,
                "sources": [
                    {
                        "name": f"Evil {payload}",
                        "url": HOSTILE_URL if i % 2 else evil_url,
                        "published": payload,
                        "excerpt": f"Fighting near {name} {payload} killed three people.",
                        "article_id": f"evil-art-{i}",
                    },
                    {
                        "name": "Plain wire",
                        "url": "https://wire.example.org/evil",
                        "published": "2017-02-01",
                        "excerpt": f"Clashes in {name}. {payload}",
                        "article_id": f"evil-art-{i}b",
                    },
                ],
                "evidence": [{"field": "location", "value": payload, "sentence": payload,
                              "rule": payload}],
                "link_reasons": [payload],
            }
        )  # fmt: skip
    return out


def insert_records(db_path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Insert incident records (and one stub article each) straight into a store."""
    store = open_store(db_path)
    now = "2024-01-01T00:00:00+00:00"
    n = 0
    cols = ", ".join(_SELECT_COLS)
    marks = ", ".join("?" * (len(_SELECT_COLS) + 2))
    try:
        with store.transaction() as conn:
            for rec in records:
                row = [
                    json.dumps(rec.get(k) or [], ensure_ascii=False)
                    if t == "json"
                    else rec.get(k, "" if t == "str" else None)
                    for k, t in INCIDENT_FIELDS.items()
                ]
                row = [("" if v is None and INCIDENT_FIELDS[k] == "str" else v)
                       for k, v in zip(INCIDENT_FIELDS, row, strict=True)]  # fmt: skip
                conn.execute(
                    f"INSERT INTO incident ({cols}, created_at, updated_at) VALUES ({marks})",
                    (*row, now, now),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO article (id, title, text, ingested_at)"
                    " VALUES (?, ?, ?, ?)",
                    (f"art-{rec['incident_id']}", "stub", "stub", now),
                )
                n += 1
    finally:
        store.close()
    return n


# -- a Streamlit server ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(
    db_path: str | Path,
    *,
    port: int,
    env: Mapping[str, str] | None = None,
    log: Path,
    app: Path = APP,
) -> subprocess.Popen[bytes]:
    """``streamlit run app.py`` headless on 127.0.0.1:port with GEOMAP_DB=db_path."""
    full_env = dict(os.environ if env is None else env)
    full_env.update({"GEOMAP_DB": str(db_path), "GEOMAP_OFFLINE": "1"})
    full_env.setdefault("GEOMAP_TILES", "none")
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    fh = log.open("wb")
    return subprocess.Popen(cmd, cwd=str(ROOT), env=full_env, stdout=fh, stderr=subprocess.STDOUT)


def wait_healthy(port: int, proc: subprocess.Popen[bytes], *, timeout: float = 60.0) -> None:
    """Wait for ``/_stcore/health`` to answer ok; raise with the reason otherwise."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {proc.returncode}")
        try:
            with opener.open(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy on port {port} in {timeout:.0f} s")


def stop_app(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server we started (by its own pid) and wait for it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
