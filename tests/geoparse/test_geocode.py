"""The geocoder fallback against a fake Nominatim on loopback (real HTTP, no outside traffic)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from geocoder_server import FakeNominatim, Reply, closed_port_url, nominatim_result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geomap.geoparse.geocode as geocode_module
from geomap.config import Settings
from geomap.errors import ConfigError
from geomap.geoparse.geocode import (
    DictCache,
    Geocoder,
    GeocodeResult,
    SQLiteGeocodeCache,
    cache_key,
    make_geocoder,
)
from geomap.models import Place

ALEPPO = nominatim_result(
    "Aleppo",
    36.2021,
    37.1343,
    country_code="sy",
    country="Syria",
    state="Aleppo Governorate",
    population=2098210,
)
AL_BAB = nominatim_result(
    "al-Bab", 36.3705, 37.5157, country_code="sy", country="Syria", osm_type="town"
)
KILIS = nominatim_result("Kilis", 36.7184, 37.1212, country_code="tr", country="Turkey")
SAKHOUR = nominatim_result(
    "Al-Sakhour",
    36.2159,
    37.1852,
    country_code="sy",
    country="Syria",
    state="Aleppo Governorate",
    osm_type="suburb",
)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback traffic only: no environment proxy may see (or forward) a request."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    with FakeNominatim() as server:
        server.add_results("Aleppo", ALEPPO)
        server.add_results("al-Bab", AL_BAB)
        server.add_results("Al-Sakhour, Aleppo", SAKHOUR)
        yield server


def make_settings(tmp_path: Path, url: str, **env: str) -> Settings:
    base = {
        "GEOMAP_DB": str(tmp_path / "geomap.sqlite"),
        "GEOMAP_NOMINATIM_URL": url,
        "GEOMAP_USER_AGENT": "geomap-tests/1.0 (test@example.org)",
        "GEOMAP_GEOCODER_TIMEOUT": "0.5",
        "GEOMAP_GEOCODER_MIN_DELAY": "0",
    }
    return Settings.from_env({**base, **env})


def make(tmp_path: Path, url: str, **kwargs: Any) -> Geocoder:
    return Geocoder(make_settings(tmp_path, url), **kwargs)


# hits, request shape, feature mapping


def test_hit_returns_place_with_coordinates(tmp_path: Path, nominatim: FakeNominatim) -> None:
    result = make(tmp_path, nominatim.url).lookup("Aleppo")
    assert result.status == "hit"
    assert result.cached is False
    assert result.place == Place(
        geonameid=None,
        name="Aleppo",
        lat=36.2021,
        lon=37.1343,
        feature_class="P",
        feature_code="PPL",
        country_code="SY",
        admin1="Aleppo Governorate",
        country="Syria",
        population=2098210,
    )
    assert "Aleppo, Aleppo Governorate, Syria" in result.reason
    assert result.reason.startswith("geocoder: ")


def test_request_carries_user_agent_and_nominatim_params(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    geocoder = make(tmp_path, nominatim.url)
    geocoder.lookup("al-Bab", country_codes=("sy", "TR"))
    (seen,) = nominatim.requests
    assert seen.path == "/search"
    assert seen.user_agent == "geomap-tests/1.0 (test@example.org)"
    assert seen.query == "al-Bab"
    assert seen.params["countrycodes"] == "sy,tr"
    assert seen.params["format"] == "json"
    assert seen.params["addressdetails"] == "1"
    assert seen.params["accept-language"] == "en"
    assert int(seen.params["limit"]) > 1
    assert geocoder.requests_made == 1


def test_context_narrows_the_query_and_neighbourhood_maps_to_pplx(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    result = make(tmp_path, nominatim.url).lookup("Al-Sakhour", context="Aleppo")
    assert nominatim.queries() == ["Al-Sakhour, Aleppo"]
    assert result.place is not None
    assert (result.place.feature_class, result.place.feature_code) == ("P", "PPLX")
    assert (result.place.lat, result.place.lon) == (36.2159, 37.1852)


def test_country_result_maps_to_pcli(tmp_path: Path, nominatim: FakeNominatim) -> None:
    syria = nominatim_result(
        "Syria", 35.0, 38.5, country_code="sy", country="Syria", osm_class="boundary",
        osm_type="administrative", addresstype="country",
    )  # fmt: skip
    nominatim.add_results("Syria", syria)
    place = make(tmp_path, nominatim.url).lookup("Syria").place
    assert place is not None and place.is_country


def test_path_prefix_in_url(tmp_path: Path, nominatim: FakeNominatim) -> None:
    geocoder = make(tmp_path, nominatim.url + "/nominatim/")
    assert geocoder.base_url == nominatim.url + "/nominatim"
    assert geocoder.lookup("Aleppo").status == "hit"
    assert [r.path for r in nominatim.requests] == ["/nominatim/search"]


def test_bad_url_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GEOMAP_NOMINATIM_URL"):
        make(tmp_path, "ftp://127.0.0.1:21")


# cache


def test_cache_hit_makes_no_second_request(tmp_path: Path, nominatim: FakeNominatim) -> None:
    geocoder = make(tmp_path, nominatim.url)
    first = geocoder.lookup("Aleppo", country_codes=("SY",))
    second = geocoder.lookup("  aleppo ", country_codes=("sy",))
    assert (first.cached, second.cached) == (False, True)
    assert second.place == first.place and second.status == "hit"
    assert len(nominatim.requests) == 1
    assert geocoder.requests_made == 1


def test_cache_key_separates_countries_and_context() -> None:
    assert cache_key("Aleppo", ("SY", "TR")) == cache_key(" ALEPPO", ("tr", "sy", "SY"))
    assert cache_key("Aleppo") != cache_key("Aleppo", ("SY",))
    assert cache_key("Sakhour") != cache_key("Sakhour", context="Aleppo")


def test_sqlite_cache_shared_by_two_geocoders(tmp_path: Path, nominatim: FakeNominatim) -> None:
    path = tmp_path / "cache" / "geocode.sqlite"
    with SQLiteGeocodeCache(path) as cache_a, SQLiteGeocodeCache(path) as cache_b:
        one = make(tmp_path, nominatim.url, cache=cache_a)
        two = make(tmp_path, nominatim.url, cache=cache_b)
        assert one.lookup("al-Bab").status == "hit"
        again = two.lookup("al-Bab")
        assert again.cached is True and again.place is not None
        assert again.place.name == "al-Bab" and again.place.lat == 36.3705
        assert two.requests_made == 0
    assert len(nominatim.requests) == 1
    # still there after reopening, in the documented table
    with SQLiteGeocodeCache(path) as reopened:
        row = reopened._conn.execute("SELECT key, value, created FROM geocode_cache").fetchone()
        mode = reopened._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert row[0] == cache_key("al-Bab")
    assert json.loads(row[1])["status"] == "hit"
    assert row[2][:2] == "20"
    assert mode == "wal"


def test_miss_is_cached(tmp_path: Path, nominatim: FakeNominatim) -> None:
    cache = DictCache()
    geocoder = make(tmp_path, nominatim.url, cache=cache)
    first = geocoder.lookup("Nowhereville")
    second = geocoder.lookup("Nowhereville")
    assert (first.status, first.place, first.cached) == ("miss", None, False)
    assert (second.status, second.cached) == ("miss", True)
    assert "Nowhereville" in first.reason
    assert len(cache) == 1
    assert len(nominatim.requests) == 1


def test_unreadable_cache_entry_is_ignored(tmp_path: Path, nominatim: FakeNominatim) -> None:
    cache = DictCache()
    cache.put(cache_key("Aleppo"), "not json {")
    result = make(tmp_path, nominatim.url, cache=cache).lookup("Aleppo")
    assert (result.status, result.cached) == ("hit", False)
    assert json.loads(cache.data[cache_key("Aleppo")])["status"] == "hit"


# country check


def test_result_outside_article_countries_is_rejected(tmp_path: Path) -> None:
    with FakeNominatim(filter_countries=False) as server:
        server.add_results("Kilis", KILIS)
        cache = DictCache()
        geocoder = make(tmp_path, server.url, cache=cache)
        result = geocoder.lookup("Kilis", country_codes=("SY",))
        assert (result.status, result.place) == ("rejected", None)
        assert result.reason == "geocoder: result in Turkey, outside article countries SY"
        assert server.requests[0].params["countrycodes"] == "sy"
        again = geocoder.lookup("Kilis", country_codes=("SY",))
        assert (again.status, again.cached) == ("rejected", True)
        # without a country restriction the same answer is accepted
        free = geocoder.lookup("Kilis")
        assert free.status == "hit" and free.place is not None
        assert free.place.country_code == "TR"
        assert len(server.requests) == 2


def test_first_result_inside_the_countries_wins(tmp_path: Path) -> None:
    with FakeNominatim(filter_countries=False) as server:
        server.add_results("Kilis", KILIS, nominatim_result("Kilis", 36.0, 37.0, country_code="sy"))
        result = make(tmp_path, server.url).lookup("Kilis", country_codes=["SY"])
        assert result.status == "hit" and result.place is not None
        assert (result.place.country_code, result.place.lat) == ("SY", 36.0)


def test_server_side_country_filter_gives_a_miss(tmp_path: Path, nominatim: FakeNominatim) -> None:
    nominatim.add_results("Kilis", KILIS)
    result = make(tmp_path, nominatim.url).lookup("Kilis", country_codes=("SY",))
    assert (result.status, result.place) == ("miss", None)
    assert result.reason == "geocoder: no result for 'Kilis' in SY"


# failures: status error, not cached, the next call after recovery resolves

FAILURES = {
    "429": (Reply.http_error(429, retry_after=0), r"^geocoder: HTTP 429 from {url} "),
    "500": (Reply.http_error(500), r"^geocoder: HTTP 500 from {url}$"),
    "502": (Reply.http_error(502), r"^geocoder: HTTP 502 from {url}$"),
    "503": (Reply.http_error(503), r"^geocoder: HTTP 503 from {url}$"),
    "timeout": (Reply.slow(1.5, [ALEPPO]), r"^geocoder: timeout after 0\.5s from {url}$"),
    "closed": (Reply.close(), r"^geocoder: request to {url} failed: .*closed"),
    "truncated": (Reply.truncate(), r"^geocoder: request to {url} failed: "),
    "html": (
        Reply.raw("<html><body>Service temporarily down</body></html>"),
        r"^geocoder: unreadable reply from {url}: reply is not JSON$",
    ),
    "garbage": (Reply.raw(b'[{"lat": "36.2", "lo', content_type="application/json"), "unreadable"),
    "not-a-list": (Reply.json({"place": "Aleppo"}), r"unreadable reply .*expected a JSON list"),
    "bad-coordinates": (Reply.json([{"lat": "north", "lon": "1"}]), r"no usable lat/lon"),
    "error-object": (Reply.json({"error": "Internal error"}), r"failed: server error"),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_failure_is_an_uncached_error_and_recovers(
    kind: str, tmp_path: Path, nominatim: FakeNominatim
) -> None:
    reply, pattern = FAILURES[kind]
    nominatim.queue_replies(reply)
    cache = DictCache()
    geocoder = make(tmp_path, nominatim.url, cache=cache)
    failed = geocoder.lookup("Aleppo")
    assert (failed.status, failed.place, failed.cached) == ("error", None, False)
    assert re.search(pattern.format(url=re.escape(nominatim.url)), failed.reason), failed.reason
    assert len(cache) == 0
    recovered = geocoder.lookup("Aleppo")
    assert recovered.status == "hit" and recovered.cached is False
    assert recovered.place is not None and recovered.place.lat == 36.2021
    assert len(nominatim.requests) == 2 == geocoder.requests_made
    assert len(cache) == 1


def test_refused_connection_is_an_error_and_not_cached(tmp_path: Path) -> None:
    url = closed_port_url()
    cache = DictCache()
    geocoder = make(tmp_path, url, cache=cache)
    result = geocoder.lookup("Aleppo")
    assert (result.status, result.place) == ("error", None)
    assert result.reason.startswith(f"geocoder: request to {url} failed: ")
    assert "refused" in result.reason.lower()
    assert len(cache) == 0
    assert geocoder.requests_made == 1
    assert geocoder.lookup("Aleppo").status == "error"
    assert geocoder.requests_made == 2


def test_retry_after_is_reported_and_delays_the_next_request(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    nominatim.queue_replies(Reply.http_error(429, retry_after=3600))
    geocoder = make(tmp_path, nominatim.url, max_wait=0.4)
    start = time.monotonic()
    failed = geocoder.lookup("Aleppo")
    assert time.monotonic() - start < 0.3  # the failed lookup itself does not wait
    assert failed.reason == f"geocoder: HTTP 429 from {nominatim.url} (Retry-After 3600s)"
    assert geocoder.lookup("Aleppo").status == "hit"
    first, second = nominatim.requests
    assert 0.38 <= second.time - first.time < 2.0  # waited, but only up to max_wait


def test_programming_errors_still_raise(
    tmp_path: Path, nominatim: FakeNominatim, monkeypatch: pytest.MonkeyPatch
) -> None:
    geocoder = make(tmp_path, nominatim.url)
    with pytest.raises(TypeError):
        geocoder.lookup(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        geocoder.lookup("Aleppo", country_codes="SY")

    def broken(places: object) -> object:
        raise TypeError("bug in the reply check")

    monkeypatch.setattr(geocode_module, "_check_reply", broken)
    with pytest.raises(TypeError, match="bug in the reply check"):
        geocoder.lookup("Aleppo")


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeNominatim]:
    with FakeNominatim() as server:
        yield server


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["lat", "lon", "error", "address"]), inner, max_size=3
            )
        ),
        max_leaves=8,
    )
)
def test_any_json_reply_never_raises(
    body: object, shared_server: FakeNominatim, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shared_server.queue_replies(Reply.raw(json.dumps(body), content_type="application/json"))
    geocoder = make(tmp_path_factory.getbasetemp(), shared_server.url)
    result = geocoder.lookup("anything")
    assert isinstance(result, GeocodeResult)
    assert result.status in {"hit", "miss", "error"}
    assert (result.place is not None) == (result.status == "hit")
    assert geocoder.requests_made == 1


# disabled geocoder: zero requests


@pytest.mark.parametrize("env", [{"GEOMAP_OFFLINE": "1"}, {"GEOMAP_GEOCODER": "none"}])
def test_disabled_geocoder_makes_no_requests(
    env: dict[str, str], tmp_path: Path, nominatim: FakeNominatim
) -> None:
    disabled = make_settings(tmp_path, nominatim.url, **env)
    assert make_geocoder(disabled, cache=DictCache()) is None
    with pytest.raises(ConfigError):
        Geocoder(disabled)
    enabled = make_geocoder(make_settings(tmp_path, nominatim.url), cache=DictCache())
    assert isinstance(enabled, Geocoder)
    assert nominatim.requests == []


# rate limit


def test_rate_limit_spaces_requests(tmp_path: Path, nominatim: FakeNominatim) -> None:
    names = ["Aleppo", "al-Bab", "Manbij", "Azaz", "Jarabulus"]
    geocoder = Geocoder(make_settings(tmp_path, nominatim.url, GEOMAP_GEOCODER_MIN_DELAY="0.2"))
    start = time.monotonic()
    statuses = [geocoder.lookup(name).status for name in names]
    elapsed = time.monotonic() - start
    assert statuses == ["hit", "hit", "miss", "miss", "miss"]
    assert elapsed >= (len(names) - 1) * 0.2
    stamps = [r.time for r in nominatim.requests]
    assert len(stamps) == len(names) == geocoder.requests_made
    gaps = [b - a for a, b in pairwise(stamps)]
    # the limiter spaces request starts; allow a little jitter between send and arrival
    assert min(gaps) >= 0.2 - 0.03, gaps


def test_cache_hits_are_not_rate_limited(tmp_path: Path, nominatim: FakeNominatim) -> None:
    geocoder = Geocoder(make_settings(tmp_path, nominatim.url, GEOMAP_GEOCODER_MIN_DELAY="0.5"))
    geocoder.lookup("Aleppo")
    start = time.monotonic()
    for _ in range(20):
        assert geocoder.lookup("Aleppo").cached
    assert time.monotonic() - start < 0.2
    assert len(nominatim.requests) == 1


def test_default_min_delay_is_one_second(tmp_path: Path) -> None:
    settings_ = Settings.from_env({"GEOMAP_DB": str(tmp_path / "x.sqlite")})
    assert settings_.geocoder_min_delay == 1.0
    assert Geocoder(settings_)._geocode.min_delay_seconds == 1.0


def test_loopback_server_bypasses_environment_proxy(
    tmp_path: Path, nominatim: FakeNominatim, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy nobody listens on (still loopback): using it would turn the hit into an error.
    monkeypatch.setenv("http_proxy", closed_port_url())
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert make(tmp_path, nominatim.url).lookup("Aleppo").status == "hit"
    assert len(nominatim.requests) == 1


# issue 15: the client's limits ------------------------------------------------------------
def test_a_redirect_to_another_host_is_refused_and_not_cached(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    with FakeNominatim() as other:
        other.add_results("Aleppo", ALEPPO)
        nominatim.queue_replies(Reply.redirect(f"{other.url}/search?q=Aleppo&format=json"))
        cache = DictCache()
        result = make(tmp_path, nominatim.url, cache=cache).lookup("Aleppo")
        assert other.requests == []
    assert result.status == "error" and len(cache) == 0
    assert "redirect off host refused" in result.reason


def test_a_redirect_on_the_same_host_is_followed(tmp_path: Path, nominatim: FakeNominatim) -> None:
    nominatim.queue_replies(Reply.redirect(f"{nominatim.url}/search?q=al-Bab&format=json"))
    assert make(tmp_path, nominatim.url).lookup("Aleppo").place.name == "al-Bab"  # type: ignore[union-attr]


def test_a_reply_over_the_size_cap_is_not_read_whole(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    from geomap.geoparse.httpguard import MAX_REPLY_BYTES

    nominatim.queue_replies(
        Reply.raw(b"[" + b" " * MAX_REPLY_BYTES + b"]", content_type="application/json")
    )
    result = make(tmp_path, nominatim.url).lookup("Aleppo")
    assert result.status == "error"
    assert f"over {MAX_REPLY_BYTES}" in result.reason


def test_a_dripping_server_cannot_hold_a_lookup_past_the_deadline(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    # Each byte arrives within the 0.5 s socket timeout; the overall deadline still ends it.
    nominatim.queue_replies(Reply.drip(0.2, [ALEPPO]))
    geocoder = Geocoder(make_settings(tmp_path, nominatim.url, GEOMAP_GEOCODER_DEADLINE="1"))
    result = geocoder.lookup("Aleppo")
    assert result.status == "error"
    assert result.reason.startswith("geocoder: timeout")


@pytest.mark.parametrize(
    "bad",
    [
        {"type": ["city"], "addresstype": {"x": 1}},
        {"extratags": {"population": "²"}},
        {"address": ["not", "a", "mapping"], "name": 7},
    ],
)
def test_wrong_field_types_leave_one_mention_unresolved(
    tmp_path: Path, nominatim: FakeNominatim, bad: dict[str, Any]
) -> None:
    nominatim.queue_replies(Reply.json([{**ALEPPO, **bad}]))
    result = make(tmp_path, nominatim.url).lookup("Aleppo")
    assert result.status in ("hit", "error")  # never an exception
    if result.place is not None:
        assert result.place.population == 0 or result.place.population == 2098210


def test_deeply_nested_replies_are_unreadable_not_a_crash(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    nominatim.queue_replies(
        Reply.raw("[" * 100_000 + "]" * 100_000, content_type="application/json")
    )
    result = make(tmp_path, nominatim.url).lookup("Aleppo")
    assert result.status == "error" and "nested deeper" in result.reason


def test_lookup_budgets_per_article_and_per_run(tmp_path: Path, nominatim: FakeNominatim) -> None:
    settings = make_settings(
        tmp_path,
        nominatim.url,
        GEOMAP_GEOCODER_MAX_PER_ARTICLE="3",
        GEOMAP_GEOCODER_MAX_PER_RUN="5",
    )
    geocoder = Geocoder(settings)
    geocoder.start_article()
    results = [geocoder.lookup(f"Invented{i}") for i in range(6)]
    assert len(nominatim.requests) == 3
    assert results[-1].reason == "geocoder: article budget of 3 lookups reached"
    assert geocoder.budget_note == results[-1].reason
    assert geocoder.lookup("Invented0").cached  # cache hits are free
    geocoder.start_article()
    assert geocoder.budget_note == ""
    results = [geocoder.lookup(f"Other{i}") for i in range(3)]
    assert len(nominatim.requests) == 5
    assert results[-1].reason == "geocoder: run budget of 5 lookups reached"


def test_credentials_in_the_url_are_refused_and_never_shown(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        make(tmp_path, "http://user:s3cret@127.0.0.1:9/nominatim")
    assert "s3cret" not in str(info.value) and "user" not in str(info.value).split("(")[0]
