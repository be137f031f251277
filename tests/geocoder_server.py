"""A fake Nominatim on 127.0.0.1 for tests: canned ``/search`` results, scripted failures.

Usage::

    from geocoder_server import FakeNominatim, Reply, nominatim_result

    with FakeNominatim() as server:
        server.add_results("Aleppo", nominatim_result("Aleppo", 36.2, 37.16, country_code="sy"))
        server.queue_replies(Reply.http_error(429, retry_after=30))  # the next request fails
        ...  # point GEOMAP_NOMINATIM_URL at server.url
        assert [r.query for r in server.requests] == [...]

Replies queued with :meth:`FakeNominatim.queue_replies` are used one per request, in order;
once the queue is empty every request gets its canned results (``[]`` for unknown queries).
The server listens on loopback only, on a free port, and serves each request in a thread.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

__all__ = ["FakeNominatim", "RecordedRequest", "Reply", "closed_port_url", "nominatim_result"]


def nominatim_result(
    name: str,
    lat: float,
    lon: float,
    *,
    country_code: str,
    country: str = "",
    state: str = "",
    city: str = "",
    osm_class: str = "place",
    osm_type: str = "city",
    addresstype: str | None = None,
    population: int | None = None,
) -> dict[str, Any]:
    """One result as Nominatim's ``format=json`` gives it (lat/lon are strings)."""
    address = {"city": city or name, "state": state, "country": country or country_code.upper()}
    address = {k: v for k, v in address.items() if v}
    address["country_code"] = country_code.lower()
    parts = dict.fromkeys([name, city, state, address["country"]])
    result: dict[str, Any] = {
        "place_id": abs(hash((name, lat, lon))) % 10**8,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. https://osm.org/copyright",
        "osm_type": "relation",
        "lat": str(lat),
        "lon": str(lon),
        "class": osm_class,
        "type": osm_type,
        "place_rank": 16,
        "importance": 0.6,
        "addresstype": addresstype or osm_type,
        "name": name,
        "display_name": ", ".join(p for p in parts if p),
        "address": address,
        "boundingbox": [str(lat - 0.1), str(lat + 0.1), str(lon - 0.1), str(lon + 0.1)],
    }
    if population is not None:
        result["extratags"] = {"population": str(population)}
    return result


@dataclass(frozen=True)
class Reply:
    """A scripted reply. Build it with the class methods rather than by hand.

    ``action`` is ``send`` (status, headers, body), ``close`` (drop the connection without a
    reply) or ``truncate`` (headers promise more body than is sent, then the connection drops).
    ``delay`` seconds pass before anything is sent (use it to provoke client timeouts); with
    ``drip`` the body goes out one byte every ``delay`` seconds.
    """

    status: int = 200
    body: bytes = b"[]"
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    action: Literal["send", "close", "truncate", "drip"] = "send"

    @classmethod
    def json(cls, value: object, *, status: int = 200, delay: float = 0.0) -> Reply:
        return cls(status=status, body=json.dumps(value).encode(), delay=delay)

    @classmethod
    def http_error(cls, status: int, *, retry_after: float | str | None = None) -> Reply:
        headers = () if retry_after is None else (("Retry-After", str(retry_after)),)
        body = f"<html><body><h1>{status}</h1></body></html>".encode()
        return cls(status=status, body=body, content_type="text/html", headers=headers)

    @classmethod
    def raw(cls, body: str | bytes, *, content_type: str = "text/html; charset=utf-8") -> Reply:
        data = body.encode() if isinstance(body, str) else body
        return cls(body=data, content_type=content_type)

    @classmethod
    def slow(cls, delay: float, value: object = None) -> Reply:
        return cls.json([] if value is None else value, delay=delay)

    @classmethod
    def redirect(cls, location: str, *, status: int = 302) -> Reply:
        return cls(status=status, body=b"", headers=(("Location", location),))

    @classmethod
    def drip(cls, every: float, value: object = None) -> Reply:
        """The body one byte at a time, ``every`` seconds apart (each byte beats a timeout)."""
        return cls(action="drip", body=json.dumps([] if value is None else value).encode(),
                   delay=every)  # fmt: skip

    @classmethod
    def close(cls) -> Reply:
        return cls(action="close")

    @classmethod
    def truncate(cls) -> Reply:
        return cls(action="truncate", body=b'[{"lat": "36.2", "lon": ')


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; ``time`` is ``time.monotonic()`` at arrival."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    time: float

    @property
    def query(self) -> str:
        """The free-text ``q`` parameter ("" when absent)."""
        return self.params.get("q", "")

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass
class _State:
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    queue: deque[Reply] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)
    filter_countries: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


def _key(query: str) -> str:
    return " ".join(query.casefold().split())


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        seen = RecordedRequest(
            "GET",
            url.path,
            params,
            {k.lower(): v for k, v in self.headers.items()},
            time.monotonic(),
        )
        with state.lock:
            state.requests.append(seen)
            reply = state.queue.popleft() if state.queue else None
        if reply is None:
            reply = self._search(url.path, params)
        if reply.action != "drip" and reply.delay and state.stopping.wait(reply.delay):
            return
        if reply.action == "close":
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        extra = 1000 if reply.action == "truncate" else 0
        self.send_header("Content-Length", str(len(reply.body) + extra))
        if reply.action == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if reply.action == "drip":
            for i in range(len(reply.body)):
                if state.stopping.wait(reply.delay):
                    return
                try:
                    self.wfile.write(reply.body[i : i + 1])
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up
            return
        self.wfile.write(reply.body)

    def _search(self, path: str, params: dict[str, str]) -> Reply:
        if path.rstrip("/").rsplit("/", 1)[-1] != "search":
            return Reply.json({"error": f"unknown endpoint {path}"}, status=404)
        state = self.server.state
        with state.lock:
            results = list(state.results.get(_key(params.get("q", "")), []))
        countries = {c for c in params.get("countrycodes", "").lower().split(",") if c}
        if countries and state.filter_countries:
            results = [r for r in results if r["address"].get("country_code") in countries]
        limit = int(params.get("limit") or 10)
        return Reply.json(results[:limit])

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and hang up are part of the tests


class FakeNominatim:
    """A Nominatim look-alike on ``127.0.0.1`` (free port) for tests; a context manager.

    Parameters
    ----------
    filter_countries
        Apply ``countrycodes`` like Nominatim does. Turn it off to mimic a server that returns
        results outside the requested countries.
    """

    def __init__(self, *, filter_countries: bool = True) -> None:
        self._state = _State(filter_countries=filter_countries)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeNominatim:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self._state
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def __enter__(self) -> FakeNominatim:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeNominatim is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:43121`` (what GEOMAP_NOMINATIM_URL takes)."""
        return f"http://127.0.0.1:{self.port}"

    # scripting
    @property
    def filter_countries(self) -> bool:
        return self._state.filter_countries

    @filter_countries.setter
    def filter_countries(self, value: bool) -> None:
        self._state.filter_countries = value

    def add_results(self, query: str, *results: dict[str, Any]) -> None:
        """Canned results for ``q=query`` (case and spacing ignored), appended in order."""
        with self._state.lock:
            self._state.results.setdefault(_key(query), []).extend(results)

    def queue_replies(self, *replies: Reply) -> None:
        """Replies for the next requests, one each, before canned results apply again."""
        with self._state.lock:
            self._state.queue.extend(replies)

    # inspection
    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order."""
        with self._state.lock:
            return list(self._state.requests)

    def queries(self) -> list[str]:
        return [r.query for r in self.requests]

    def clear_requests(self) -> None:
        with self._state.lock:
            self._state.requests.clear()


def closed_port_url() -> str:
    """``http://127.0.0.1:PORT`` where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
