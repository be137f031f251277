"""The geocoder fallback: places the gazetteer cannot resolve, looked up with geopy (Nominatim).

Only this module and its HTTP client (``geomap.geoparse.httpguard``: one host, a reply size
cap, an overall deadline) import geopy. Every request goes through geopy's
``RateLimiter`` (at most one per ``settings.geocoder_min_delay`` seconds) and every answer
except an error is kept in a :class:`GeocodeCache`, so a re-run asks nothing twice. Network
failures never raise out of :meth:`Geocoder.lookup`; they come back as ``status="error"`` with
a reason and are not cached, so a later run retries them. Requests are budgeted per article
(:meth:`Geocoder.start_article`) and per run; a lookup over budget is an uncached error.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import math
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from geopy.adapters import AdapterHTTPError, get_retry_after
from geopy.exc import GeocoderParseError, GeocoderQueryError, GeocoderTimedOut, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from geomap.config import Settings
from geomap.errors import ConfigError, StoreError
from geomap.geoparse.httpguard import GuardedAdapter, redact_url
from geomap.models import Place

__all__ = [
    "DictCache",
    "GeocodeCache",
    "GeocodeResult",
    "GeocodeStatus",
    "Geocoder",
    "SQLiteGeocodeCache",
    "cache_key",
    "make_geocoder",
]

logger = logging.getLogger(__name__)

GeocodeStatus = Literal["hit", "miss", "error", "rejected"]
_CACHE_VERSION = 1
_RESULT_LIMIT = 5
_PUBLIC_NOMINATIM = "https://nominatim.openstreetmap.org"

# Nominatim addresstype / type / class -> a rough GeoNames (feature_class, feature_code).
_FEATURES: dict[str, tuple[str, str]] = {
    "country": ("A", "PCLI"),
    **dict.fromkeys(("state", "province", "region"), ("A", "ADM1")),
    **dict.fromkeys(("state_district", "county", "district"), ("A", "ADM2")),
    "municipality": ("A", "ADM3"),
    "boundary": ("A", "ADMD"),
    **dict.fromkeys(("city", "town", "village", "hamlet", "isolated_dwelling"), ("P", "PPL")),
    **dict.fromkeys(("suburb", "quarter", "neighbourhood", "city_district"), ("P", "PPLX")),
    "place": ("P", "PPL"),
    "locality": ("L", "LCTY"),
    "landuse": ("L", "AREA"),
    "natural": ("T", "HLL"),
    "waterway": ("H", "STM"),
    "water": ("H", "LK"),
    "highway": ("R", "RD"),
    "railway": ("R", "RR"),
    "aeroway": ("S", "AIRP"),
    "military": ("S", "INSM"),
    **dict.fromkeys(("building", "amenity"), ("S", "BLDG")),
}


class GeocodeCache(Protocol):
    """Where geocoder answers are kept between runs (the store implements it too)."""

    def get(self, key: str) -> str | None:
        """The JSON text stored under ``key`` before, or None."""
        ...

    def put(self, key: str, value: str) -> None:
        """Store ``value`` (JSON text) under ``key``, replacing an older value."""
        ...


class DictCache:
    """An in-memory :class:`GeocodeCache` for tests and one-off runs.

    Examples
    --------
    >>> cache = DictCache()
    >>> cache.put("k", "{}"); cache.get("k"), cache.get("other")
    ('{}', None)
    """

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def put(self, key: str, value: str) -> None:
        self.data[key] = value

    def __len__(self) -> int:
        return len(self.data)


class SQLiteGeocodeCache:
    """A :class:`GeocodeCache` in one table ``geocode_cache`` of a SQLite file (WAL mode).

    Examples
    --------
    >>> import tempfile, os
    >>> with SQLiteGeocodeCache(os.path.join(tempfile.mkdtemp(), "c.sqlite")) as cache:
    ...     cache.put("k", "{}")
    ...     cache.get("k")
    '{}'
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS geocode_cache ("
                "key TEXT PRIMARY KEY, value TEXT NOT NULL, created TEXT NOT NULL)"
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open geocode cache {self.path}: {exc}") from exc

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._run("SELECT value FROM geocode_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._run(
                "INSERT INTO geocode_cache (key, value, created) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, created = excluded.created",
                (key, value, created),
            )

    def _run(self, sql: str, params: tuple[str, ...]) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"geocode cache {self.path}: {exc}") from exc

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteGeocodeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class GeocodeResult:
    """The outcome of one :meth:`Geocoder.lookup`.

    ``place`` is set only when ``status == "hit"``. ``reason`` says why in one line, e.g.
    ``"geocoder: HTTP 429 from http://127.0.0.1:8080"``. ``cached`` is True when the answer
    came from the cache and no request was made.
    """

    place: Place | None
    status: GeocodeStatus
    reason: str
    cached: bool = False


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _norm_countries(country_codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({code.strip().upper() for code in country_codes if code.strip()}))


def cache_key(name: str, country_codes: Sequence[str] = (), context: str = "") -> str:
    """The cache key of a lookup: normalised name, sorted country codes and context.

    Examples
    --------
    >>> cache_key(" Al-Bab ", ("tr", "SY")) == cache_key("al-bab", ("SY", "TR"))
    True
    """
    countries = ",".join(_norm_countries(country_codes))
    return f"nominatim/v{_CACHE_VERSION}|{_norm(name)}|{countries}|{_norm(context)}"


def _split_url(url: str | None) -> tuple[str, str]:
    """``(scheme, domain)`` for geopy from a base URL; the domain may carry a path prefix."""
    url = (url or _PUBLIC_NOMINATIM).strip()
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if "@" in parts.netloc:
        # Never kept, sent in a URL, logged or stored in a failure reason.
        raise ConfigError(
            f"GEOMAP_NOMINATIM_URL={redact_url(url)!r} (credentials removed) carries a user"
            " name or password; geomap does not send credentials: give the URL without them"
        )
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"GEOMAP_NOMINATIM_URL={url!r} is not an http(s) URL")
    path = parts.path.rstrip("/")
    if path.endswith("/search"):  # accept the endpoint itself too
        path = path[: -len("/search")]
    return parts.scheme, parts.netloc + path


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _check_reply(places: object) -> list[dict[str, Any]]:
    """Nominatim's JSON reply as a list of results, or GeocoderParseError for anything else."""
    if isinstance(places, dict) and "error" in places:
        raise GeocoderQueryError(f"server error: {str(places['error'])[:80]}")
    if not isinstance(places, list):
        raise GeocoderParseError(f"expected a JSON list, got {type(places).__name__}")
    for item in places:
        try:
            lat, lon = float(item["lat"]), float(item["lon"])
        except (TypeError, KeyError, ValueError):
            raise GeocoderParseError("a result has no usable lat/lon") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            raise GeocoderParseError(f"a result has coordinates out of range: {lat}, {lon}")
    return places


class _CheckedNominatim(Nominatim):  # type: ignore[misc]
    """Nominatim returning raw result dicts, with malformed replies raised as parse errors."""

    def _parse_json(self, places: object, exactly_one: bool) -> list[dict[str, Any]]:
        return _check_reply(places)


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _place_from(raw: dict[str, Any], query: str) -> Place:
    address = _mapping(raw.get("address"))
    extratags = _mapping(raw.get("extratags"))
    keys = (raw.get("addresstype"), raw.get("type"), raw.get("class") or raw.get("category"))
    fclass, fcode = next(
        (_FEATURES[k] for k in keys if isinstance(k, str) and k in _FEATURES), ("L", "AREA")
    )
    if fcode == "PPL" and extratags.get("capital") == "yes":
        fcode = "PPLC"
    population = str(extratags.get("population", "")).replace(",", "").strip()
    if not (population.isascii() and population.isdigit() and len(population) < 12):
        population = ""  # "²" is a digit to str.isdigit, not to int()
    display = str(raw.get("display_name") or "")
    return Place(
        geonameid=None,
        name=str(raw.get("name") or display.split(",")[0].strip() or query),
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        feature_class=fclass,
        feature_code=fcode,
        country_code=str(address.get("country_code", "")).upper(),
        admin1=str(address.get("state") or address.get("province") or address.get("region") or ""),
        country=str(address.get("country", "")),
        population=int(population) if population.isdigit() else 0,
    )


class Geocoder:
    """The Nominatim fallback with rate limit, cache and error reporting.

    Parameters
    ----------
    settings
        ``nominatim_url``, ``user_agent``, ``geocoder_timeout`` and ``geocoder_min_delay`` are
        used. Raises ConfigError when ``settings.geocoder_enabled`` is False.
    cache
        Where answers are kept; an in-memory :class:`DictCache` when None.
    max_wait
        The longest pause (seconds) before the next request after the server asked to wait
        (HTTP 429/503 with ``Retry-After``). The failed lookup itself never waits.

    Examples
    --------
    >>> from geomap.config import Settings
    >>> s = Settings.from_env({"GEOMAP_NOMINATIM_URL": "http://127.0.0.1:9"})
    >>> Geocoder(s).base_url
    'http://127.0.0.1:9'
    """

    def __init__(
        self, settings: Settings, *, cache: GeocodeCache | None = None, max_wait: float = 5.0
    ) -> None:
        if not settings.geocoder_enabled:
            raise ConfigError("the geocoder is disabled (offline or GEOMAP_GEOCODER=none)")
        scheme, domain = _split_url(settings.nominatim_url)
        self.base_url = redact_url(f"{scheme}://{domain}")
        self.timeout = settings.geocoder_timeout
        self.cache: GeocodeCache = DictCache() if cache is None else cache
        self.max_wait = max_wait
        try:
            self._nominatim = _CheckedNominatim(
                user_agent=settings.user_agent,
                domain=domain,
                scheme=scheme,
                timeout=settings.geocoder_timeout,
                # A loopback server is never reached through a proxy.
                proxies={} if _is_loopback(urlsplit(self.base_url).hostname) else None,
                # urllib makes exactly one attempt per call (requests would retry silently);
                # the guarded adapter adds the same-host redirects, size cap and deadline.
                adapter_factory=lambda proxies, ssl_context: GuardedAdapter(
                    proxies=proxies, ssl_context=ssl_context, deadline=settings.geocoder_deadline
                ),
            )
        except GeopyError as exc:
            raise ConfigError(f"geocoder: {exc}") from exc
        delay = settings.geocoder_min_delay
        self._geocode = RateLimiter(
            self._request,
            min_delay_seconds=delay,
            max_retries=0,
            error_wait_seconds=delay,
            swallow_exceptions=False,
        )
        self._lock = threading.Lock()
        self._requests = 0
        self._not_before = 0.0
        self._min_delay = delay
        self._last_end = -math.inf
        self.max_per_article = settings.geocoder_max_per_article
        self.max_per_run = settings.geocoder_max_per_run
        self._article_requests = 0
        self._budget_note = ""

    def start_article(self) -> None:
        """Begin a new article's lookup budget (``geocoder_max_per_article`` requests)."""
        with self._lock:
            self._article_requests = 0
            self._budget_note = ""

    @property
    def budget_note(self) -> str:
        """Why lookups of the current article were refused by a budget, else ``""``."""
        return self._budget_note

    def _spend(self) -> str:
        """Take one request from the budgets; the refusal reason when one is used up."""
        with self._lock:
            if self._requests >= self.max_per_run:
                note = f"geocoder: run budget of {self.max_per_run} lookups reached"
            elif self._article_requests >= self.max_per_article:
                note = f"geocoder: article budget of {self.max_per_article} lookups reached"
            else:
                self._article_requests += 1
                return ""
            self._budget_note = note
            return note

    @property
    def requests_made(self) -> int:
        """How many HTTP requests this geocoder has sent."""
        return self._requests

    def _request(self, query: str, **kwargs: Any) -> list[dict[str, Any]]:
        with self._lock:
            self._requests += 1
        # The RateLimiter spaces request *starts*; spacing from the previous request's *end*
        # as well guarantees the gap where it counts, at the server, whatever delays a
        # request's sending on a busy machine.
        gap = self._last_end + self._min_delay - time.monotonic()
        if gap > 0:
            time.sleep(gap)
        try:
            result: list[dict[str, Any]] | None = self._nominatim.geocode(query, **kwargs)
        finally:
            self._last_end = time.monotonic()
        return result or []

    def lookup(
        self, name: str, *, country_codes: Sequence[str] = (), context: str = ""
    ) -> GeocodeResult:
        """Look ``name`` up, from the cache if possible, else with one request.

        Parameters
        ----------
        name
            The place name as written in the article.
        country_codes
            ISO alpha-2 codes of the article's countries; the request is restricted to them
            and a result elsewhere is ``"rejected"``.
        context
            A parent place that narrows the query (e.g. ``"Aleppo"`` for a neighbourhood);
            sent as ``"name, context"``.

        Examples
        --------
        >>> from geomap.config import Settings
        >>> g = Geocoder(Settings.from_env({"GEOMAP_NOMINATIM_URL": "http://127.0.0.1:9"}))
        >>> g.lookup("  ").status, g.requests_made
        ('miss', 0)
        """
        if not isinstance(name, str) or not isinstance(context, str):
            raise TypeError("name and context must be str")
        if isinstance(country_codes, str):
            raise TypeError("country_codes must be a sequence of codes, not one str")
        countries = _norm_countries(country_codes)
        if not name.strip():
            return GeocodeResult(None, "miss", "geocoder: empty name")
        query = ", ".join(part for part in (name.strip(), context.strip()) if part)
        key = cache_key(name, countries, context)
        cached = self._from_cache(key)
        if cached is not None:
            return cached
        refused = self._spend()
        if refused:
            return GeocodeResult(None, "error", refused)
        wait = self._not_before - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            raws = self._geocode(
                query,
                exactly_one=False,
                limit=_RESULT_LIMIT,
                addressdetails=True,
                extratags=True,
                language="en",
                country_codes=[c.lower() for c in countries] or None,
            )
        except GeopyError as exc:
            reason = self._failure(exc)
            logger.info("%s (query %r)", reason, query)
            return GeocodeResult(None, "error", reason)
        try:
            result = self._judge(query, raws, countries)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # A reply with fields of the wrong type leaves this one mention unresolved.
            reason = f"geocoder: unreadable reply from {self.base_url}: bad field ({exc})"[:200]
            return GeocodeResult(None, "error", reason)
        self.cache.put(key, self._dump(result))
        return result

    def _judge(
        self, query: str, raws: list[dict[str, Any]], countries: tuple[str, ...]
    ) -> GeocodeResult:
        where = f" in {','.join(countries)}" if countries else ""
        if not raws:
            return GeocodeResult(None, "miss", f"geocoder: no result for {query!r}{where}")
        places = [(_place_from(raw, query), raw) for raw in raws]
        inside = [pr for pr in places if not countries or pr[0].country_code in countries]
        if not inside:
            first = places[0][0]
            found = f"in {first.country or first.country_code}" if first.country_code else ""
            return GeocodeResult(
                None,
                "rejected",
                f"geocoder: result {found or 'without a country'}, outside article "
                f"countries {','.join(countries)}",
            )
        place, raw = inside[0]
        kind = f"{raw.get('class') or raw.get('category', '')}/{raw.get('type', '')}"
        label = str(raw.get("display_name") or place.name)
        return GeocodeResult(place, "hit", f"geocoder: {label} ({kind})")

    def _failure(self, exc: GeopyError) -> str:
        """The reason for a failed request; a Retry-After pauses the next request."""
        cause = exc.__cause__
        if isinstance(cause, AdapterHTTPError):
            reason = f"geocoder: HTTP {cause.status_code} from {self.base_url}"
            retry_after = get_retry_after(cause.headers or {})
            if retry_after is not None:
                reason += f" (Retry-After {retry_after:g}s)"
                pause = min(float(retry_after), self.max_wait)
                self._not_before = max(self._not_before, time.monotonic() + pause)
            return reason
        if isinstance(exc, GeocoderTimedOut):
            return f"geocoder: timeout after {self.timeout}s from {self.base_url}"
        message = " ".join(str(exc).split())[:120]
        if isinstance(exc, GeocoderParseError):
            message = message.replace("Could not deserialize using deserializer: ", "not JSON")
            return f"geocoder: unreadable reply from {self.base_url}: {message}"
        return f"geocoder: request to {self.base_url} failed: {message}"

    @staticmethod
    def _dump(result: GeocodeResult) -> str:
        place = None if result.place is None else dataclasses.asdict(result.place)
        return json.dumps(
            {"v": _CACHE_VERSION, "status": result.status, "reason": result.reason, "place": place},
            ensure_ascii=False,
        )

    def _from_cache(self, key: str) -> GeocodeResult | None:
        text = self.cache.get(key)
        if text is None:
            return None
        try:
            data = json.loads(text)
            status = data["status"]
            place = None if data["place"] is None else Place(**data["place"])
            if status not in ("hit", "miss", "rejected") or (place is None) == (status == "hit"):
                raise ValueError(status)
            return GeocodeResult(place, status, str(data["reason"]), cached=True)
        except (ValueError, TypeError, KeyError):
            logger.warning("ignoring unreadable geocode cache entry %r", key)
            return None


def make_geocoder(settings: Settings, *, cache: GeocodeCache | None = None) -> Geocoder | None:
    """The geocoder the settings ask for, or None when it is disabled (offline or ``none``).

    Examples
    --------
    >>> from geomap.config import Settings
    >>> make_geocoder(Settings.from_env({"GEOMAP_OFFLINE": "1"}), cache=DictCache()) is None
    True
    """
    if not settings.geocoder_enabled:
        return None
    return Geocoder(settings, cache=cache)
