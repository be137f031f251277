"""A failing geocoder during ingest: timeouts, 429 with Retry-After, 500, HTML instead of JSON,
dropped and truncated connections, a closed port.

Ingest always finishes; the affected mentions are stored unresolved with the reason; errors are
not cached, so a later run with the service back asks again and resolves the name (re-ingesting
the same articles retries their unresolved mentions, without duplicating anything); requests
never come faster than ``GEOMAP_GEOCODER_MIN_DELAY`` and carry only the place name, the
article's country codes and fixed options. All traffic goes to a fake Nominatim on 127.0.0.1.
"""

from __future__ import annotations

import os
from itertools import combinations
from pathlib import Path

from faulthelpers import check_store, failed_lines, run_geomap, subprocess_env
from geocoder_server import FakeNominatim, RecordedRequest, Reply, closed_port_url, nominatim_result

from geomap.config import Settings
from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.geocode import cache_key
from geomap.mapview.foliummap import TILE_NOTE
from geomap.pipeline import IngestReport, ingest_paths
from geomap.store.sqlite import iter_mentions, open_store

MIN_DELAY = 0.2
TIMEOUT = 0.5
JITTER = 0.06
USER_AGENT = "geomap-fault-tests/1.0 (loopback only)"
#: Invented neighbourhood names: not in the gazetteer, so the recognizer sends them to the
#: fallback (one lookup per article).
NAMES = ("Qwzxabad", "Zirbqawi", "Tellqurzan", "Kafrbuxin", "Jubbzawiya", "Arqemlin", "Duwayxat")
COORDS = {name: (36.15 + i / 100, 37.10 + i / 100) for i, name in enumerate(NAMES)}
#: What a Nominatim search from geomap may carry (geopy's names); nothing from the article
#: beyond the place name (q) and the country codes.
ALLOWED_PARAMS = {
    "q", "format", "limit", "addressdetails", "extratags", "accept-language", "countrycodes",
}  # fmt: skip


def report_text(name: str, day: int) -> str:
    return (
        f"Shelling in Aleppo\n{day} March 2017\n\n"
        f"ALEPPO, March {day} (Wire) - Shelling hit the {name} neighbourhood of Aleppo on "
        f"Monday, killing {day + 1} civilians, a monitor said.\n"
    )


def write_reports(folder: Path, names: tuple[str, ...], *, first_day: int = 1) -> None:
    folder.mkdir(parents=True)
    for i, name in enumerate(names):
        (folder / f"{i:02d}-{name}.txt").write_text(report_text(name, first_day + i), "utf-8")


def geocoder_env(server_url: str, db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GEOMAP_OFFLINE": "0",
        "GEOMAP_NOMINATIM_URL": server_url,
        "GEOMAP_GEOCODER_MIN_DELAY": str(MIN_DELAY),
        "GEOMAP_GEOCODER_TIMEOUT": str(TIMEOUT),
        "GEOMAP_USER_AGENT": USER_AGENT,
        "GEOMAP_DB": str(db),
    }


def online_settings(server_url: str, db: Path) -> Settings:
    settings = Settings.from_env(geocoder_env(server_url, db))
    assert settings.geocoder_enabled and settings.geocoder_min_delay == MIN_DELAY
    return settings


def serve_names(server: FakeNominatim) -> None:
    for name, (lat, lon) in COORDS.items():
        server.add_results(
            name,
            nominatim_result(name, lat, lon, country_code="sy", country="Syria",
                             state="Aleppo", osm_type="suburb"),
        )  # fmt: skip


def ingest(folder: Path, settings: Settings, gazetteer: Gazetteer) -> IngestReport:
    with open_store(settings.db_path) as store:
        return ingest_paths([folder], settings=settings, store=store, gazetteer=gazetteer)


def name_mentions(db: Path) -> dict[tuple[str, str], dict[str, object]]:
    """The stored mentions of the invented names, by (article id, name)."""
    with open_store(db) as store:
        out = {}
        for m in iter_mentions(store):
            if m["surface"] in COORDS:
                out[(m["article_id"], m["surface"])] = m
        return out


def by_name(db: Path) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for (_, name), m in name_mentions(db).items():
        out.setdefault(name, []).append(m)
    return out


def check_requests(requests: list[RecordedRequest], *, retry_after_index: int | None) -> None:
    """Every request is a search for one name in Syria with our user agent, none sooner than
    MIN_DELAY after the previous one (and none sooner than Retry-After after a 429)."""
    for r in requests:
        assert r.path.rstrip("/").endswith("/search"), r.path
        assert set(r.params) <= ALLOWED_PARAMS, r.params
        assert r.query in COORDS, r.query
        assert r.params.get("countrycodes") == "sy"
        assert r.user_agent == USER_AGENT
    # Arrival times jitter by a few ms (scheduling, connection set-up), so allow JITTER on
    # each request but never more: any k+1 consecutive requests span at least k * MIN_DELAY.
    times = [r.time for r in requests]
    for i, j in combinations(range(len(times)), 2):
        assert times[j] - times[i] >= (j - i) * MIN_DELAY - JITTER, (i, j, times)
    if retry_after_index is not None:
        gap = times[retry_after_index + 1] - times[retry_after_index]
        assert gap >= 1.0 - JITTER, gap


#: One failure per article, in file order, and the reason each must leave.
FAILURES = (
    (Reply.slow(3.0), f"timeout after {TIMEOUT}s"),
    (Reply.http_error(429, retry_after=1), "HTTP 429"),
    (Reply.http_error(500), "HTTP 500"),
    (Reply.raw("<html><body>Service unavailable</body></html>"), "unreadable reply"),
    (Reply.close(), "failed"),
    (Reply.truncate(), "reply cut short"),
)


def test_failing_geocoder_leaves_mentions_unresolved_with_the_reason_then_a_later_run_resolves(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    with FakeNominatim() as server:
        serve_names(server)
        server.queue_replies(*(reply for reply, _ in FAILURES))
        settings = online_settings(server.url, tmp_path / "store.sqlite")
        report = ingest(write_reports_dir(tmp_path / "first", NAMES), settings, gazetteer)
        first = server.requests

        # ingest finished: every article stored, none failed
        assert report.failed == () and report.new == len(NAMES)
        assert [r.query for r in first] == list(NAMES)
        check_requests(first, retry_after_index=1)  # request 2 answered 429 Retry-After: 1
        mentions = by_name(settings.db_path)
        for name in NAMES:
            print(f"{name}: {mentions[name][0]['method']}: {mentions[name][0]['reasons'][-1]}")
        for (_, why), name in zip(FAILURES, NAMES, strict=False):
            (m,) = mentions[name]
            assert m["method"] == "unresolved" and m["latitude"] is None, m
            assert why in m["reasons"][-1], (name, m["reasons"])
            assert m["reasons"][-1].startswith("geocoder:")
        assert "Retry-After 1s" in mentions[NAMES[1]][0]["reasons"][-1]
        # the service recovered within the run: the last name resolved
        (last,) = mentions[NAMES[-1]]
        assert last["method"] == "geocoder"
        assert (last["latitude"], last["longitude"]) == COORDS[NAMES[-1]]
        # errors are not cached (a later run asks again); the answer is
        with open_store(settings.db_path) as store:
            cache = store.geocode_cache
            assert all(cache.get(cache_key(n, ("SY",))) is None for n in NAMES[:-1])
            assert cache.get(cache_key(NAMES[-1], ("SY",))) is not None

        # a later run, service back: new articles naming the same places resolve them
        server.clear_requests()
        report = ingest(
            write_reports_dir(tmp_path / "later", NAMES[:-1], first_day=10), settings, gazetteer
        )
        assert report.failed == () and report.new == len(NAMES) - 1
        later = server.requests
        assert [r.query for r in later] == list(NAMES[:-1])  # asked again: not cached
        check_requests(later, retry_after_index=None)
    mentions = by_name(settings.db_path)
    for name in NAMES[:-1]:
        methods = sorted(str(m["method"]) for m in mentions[name])
        assert methods == ["geocoder", "unresolved"], (name, methods)
        resolved = next(m for m in mentions[name] if m["method"] == "geocoder")
        assert (resolved["latitude"], resolved["longitude"]) == COORDS[name]


def write_reports_dir(folder: Path, names: tuple[str, ...], *, first_day: int = 1) -> Path:
    write_reports(folder, names, first_day=first_day)
    return folder


def test_reingest_retries_unresolved_mentions_of_known_articles(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    """Mentions left unresolved by an outage are retried when the same articles are ingested
    again with the service back; an honest "no result" is not asked again; nothing is
    duplicated."""
    unknown = "Mazrqibin"  # the server has no result for it: a cached miss, not an error
    folder = write_reports_dir(tmp_path / "in", (*NAMES[:2], unknown))
    with FakeNominatim() as server:
        serve_names(server)
        server.queue_replies(Reply.http_error(503, retry_after=0), Reply.http_error(500))
        settings = online_settings(server.url, tmp_path / "store.sqlite")
        first = ingest(folder, settings, gazetteer)
        assert first.new == 3 and first.failed == ()
        assert [m[0]["method"] for m in by_name(settings.db_path).values()] == ["unresolved"] * 2
        before = check_store(settings.db_path)

        server.clear_requests()
        again = ingest(folder, settings, gazetteer)  # service back
        assert (again.new, again.known, again.retried, again.failed) == (0, 3, 2, ())
        assert server.queries() == list(NAMES[:2])  # the miss was not asked again
        check_requests(server.requests, retry_after_index=None)

        server.clear_requests()
        third = ingest(folder, settings, gazetteer)
        assert (third.known, third.retried) == (3, 0) and server.queries() == []
    mentions = by_name(settings.db_path)
    for name in NAMES[:2]:
        (m,) = mentions[name]  # replaced, not added
        assert m["method"] == "geocoder" and (m["latitude"], m["longitude"]) == COORDS[name]
    after = check_store(settings.db_path)
    assert after["geocode_cache"] == before["geocode_cache"] + 2  # the two answers, now cached
    del after["geocode_cache"], before["geocode_cache"]
    assert after == before  # no article, mention, report or incident doubled


def test_cli_ingest_survives_an_unreachable_geocoder(tmp_path: Path, gazetteer: Gazetteer) -> None:
    folder = write_reports_dir(tmp_path / "in", NAMES[:2])
    db = tmp_path / "store.sqlite"
    env = subprocess_env(**geocoder_env(closed_port_url(), db))
    result = run_geomap("ingest", folder, "--db", db, env=env)
    assert result.returncode == 0, result.stderr
    assert failed_lines(result.stderr) == []
    assert "articles: 2 new, 0 already known, 0 failed" in result.stdout
    mentions = by_name(db)
    for name in NAMES[:2]:
        (m,) = mentions[name]
        assert m["method"] == "unresolved"
        assert "request to http://127.0.0.1:" in m["reasons"][-1]
        assert "failed" in m["reasons"][-1]

    # the map of that store still renders, and says so when tiles cannot load
    out = tmp_path / "map.html"
    mapped = run_geomap("map", "--db", db, "-o", out, env=env)
    assert mapped.returncode == 0, mapped.stderr
    html = out.read_text(encoding="utf-8")
    assert '"tileerror"' in html and TILE_NOTE in html


def test_cli_rate_limit_and_switches_that_turn_the_fallback_off(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    with FakeNominatim() as server:
        serve_names(server)
        server.queue_replies(Reply.http_error(429, retry_after=1))
        env = subprocess_env(**geocoder_env(server.url, tmp_path / "online.sqlite"))
        folder = write_reports_dir(tmp_path / "in", NAMES)
        result = run_geomap("ingest", folder, env=env)
        assert result.returncode == 0, result.stderr
        requests = server.requests
        assert [r.query for r in requests] == list(NAMES)
        check_requests(requests, retry_after_index=0)
        resolved = by_name(tmp_path / "online.sqlite")
        assert [resolved[n][0]["method"] for n in NAMES] == ["unresolved"] + ["geocoder"] * 6

        # --offline, GEOMAP_OFFLINE=1 and GEOMAP_GEOCODER=none: not a single request
        server.clear_requests()
        offline = [
            ("ingest", folder, "--db", tmp_path / "a.sqlite", "--offline"),
            ("--offline", "ingest", folder, "--db", tmp_path / "b.sqlite"),
        ]
        for args in offline:
            done = run_geomap(*args, env=env)
            assert done.returncode == 0, (args, done.stderr)
        for extra, db in (({"GEOMAP_OFFLINE": "1"}, "c"), ({"GEOMAP_GEOCODER": "none"}, "d")):
            done = run_geomap("ingest", folder, "--db", tmp_path / f"{db}.sqlite",
                              env={**env, **extra})  # fmt: skip
            assert done.returncode == 0, (extra, done.stderr)
        assert server.requests == []
        for db in "abcd":
            reasons = [m["reasons"][-1] for ms in by_name(tmp_path / f"{db}.sqlite").values()
                       for m in ms]  # fmt: skip
            assert reasons == ["geocoder off"] * len(NAMES), (db, reasons)


def test_an_article_of_invented_names_spends_only_its_lookup_budget(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # Issue 15: a 16 kB article of invented names sent 300 requests (5 minutes at 1/s, to the
    # public service). Now at most GEOMAP_GEOCODER_MAX_PER_ARTICLE, with a notice naming it.
    folder = tmp_path / "in"
    folder.mkdir()
    text = " ".join(f"Shelling hit the {name} neighbourhood of Aleppo on Monday." for name in NAMES)
    (folder / "names.txt").write_text(f"Shelling in Aleppo\n3 March 2017\n\n{text}\n", "utf-8")
    with FakeNominatim() as server:
        serve_names(server)
        env = {**geocoder_env(server.url, tmp_path / "s.sqlite"),
               "GEOMAP_GEOCODER_MAX_PER_ARTICLE": "2"}  # fmt: skip
        report = ingest(folder, Settings.from_env(env), gazetteer)
        assert len(server.requests) == 2
    assert report.failed == ()
    assert any(
        src.endswith("names.txt") and "article budget of 2 lookups reached" in msg
        for src, msg in report.notices
    ), report.notices
