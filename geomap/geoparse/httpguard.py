"""The geocoder's HTTP client limits: one host, a reply size cap and an overall deadline.

:class:`GuardedAdapter` is a geopy adapter (urllib underneath, proxies as geopy configures
them) that

- follows a redirect only to the same scheme, host and port (never to another host, never
  from https to http), at most :data:`MAX_REDIRECTS` times;
- reads at most :data:`MAX_REPLY_BYTES` of a reply (a larger one is an error, read no
  further);
- gives up on a request after its overall deadline, however slowly the server drips bytes
  (the socket timeout only bounds each wait for data; the request runs in a worker thread);
- refuses JSON nested deeper than :data:`MAX_JSON_DEPTH` as unreadable.

:func:`redact_url` drops any ``user:password@`` from a URL before it is shown or stored.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import (
    HTTPRedirectHandler,
    HTTPSHandler,
    ProxyHandler,
    Request,
    build_opener,
    getproxies,
)

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_REDIRECTS",
    "MAX_REPLY_BYTES",
    "GuardedAdapter",
    "redact_url",
]

#: A Nominatim reply of 5 results with address details is a few kB; 2 MB is generous.
MAX_REPLY_BYTES = 2_000_000
MAX_REDIRECTS = 3
MAX_JSON_DEPTH = 20


def redact_url(url: str) -> str:
    """``url`` without credentials, safe to show and store.

    >>> redact_url("http://user:secret@127.0.0.1:8080/nominatim")
    'http://127.0.0.1:8080/nominatim'
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port or default


class _SameOriginRedirects(HTTPRedirectHandler):
    """Redirects within the same scheme, host and port only."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Request | None:
        if _origin(newurl) != _origin(req.full_url):
            old, new = _origin(req.full_url), _origin(newurl)
            what = "from https to http" if (old[0], new[0]) == ("https", "http") else "off host"
            raise URLError(f"redirect {what} refused ({code} to {redact_url(newurl)[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (a linear scan)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


class GuardedAdapter(URLLibAdapter):  # type: ignore[misc]
    """geopy's urllib adapter with the limits above; ``deadline`` is seconds per request.

    Examples
    --------
    >>> GuardedAdapter(proxies={}, ssl_context=None, deadline=10.0).deadline
    10.0
    """

    def __init__(self, *, proxies: Any, ssl_context: Any, deadline: float = 15.0) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.deadline = deadline
        self._local = threading.local()  # each request's deadline, in its worker thread
        # As geopy does: None means the system's proxies, {} none at all.
        found = getproxies() if proxies is None else dict(proxies)
        normal = {k: v if "://" in v else f"http://{v}" for k, v in found.items() if v}
        opener = build_opener(
            HTTPSHandler(context=ssl_context),
            ProxyHandler(normal),
            _SameOriginRedirects(),
        )
        self.urlopen = opener.open

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        if _depth(text) > MAX_JSON_DEPTH:
            raise GeocoderParseError(f"reply nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            return json.loads(text)
        except ValueError:
            # The body itself is not repeated: it may come from anywhere and be anything.
            raise GeocoderParseError("reply is not JSON") from None

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        # The request runs in a worker thread so that nothing (a server dripping its headers
        # one byte at a time included) holds a lookup past the deadline. A worker left behind
        # stops at its next read after the deadline or at the socket timeout.
        until = time.monotonic() + self.deadline
        out: list[str] = []
        failed: list[BaseException] = []

        def fetch() -> None:
            self._local.until = until
            try:
                out.append(
                    super(GuardedAdapter, self).get_text(
                        url, timeout=min(timeout, self.deadline), headers=headers
                    )
                )
            except BaseException as exc:  # handed to the caller below
                failed.append(exc)

        worker = threading.Thread(target=fetch, name="geomap-geocoder", daemon=True)
        worker.start()
        worker.join(self.deadline)
        if worker.is_alive():
            raise GeocoderTimedOut(f"no complete reply within {self.deadline:g}s")
        if failed:
            raise failed[0]
        return out[0]

    def _decode_page(self, page: Any) -> str:
        length = page.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > MAX_REPLY_BYTES:
            raise GeocoderServiceError(f"reply of {int(length)} bytes, over {MAX_REPLY_BYTES}")
        chunks: list[bytes] = []
        size = 0
        read = getattr(page, "read1", page.read)
        while True:
            if time.monotonic() > getattr(self._local, "until", float("inf")):
                raise GeocoderTimedOut(f"no complete reply within {self.deadline:g}s")
            try:
                chunk = read(65536)
            except TimeoutError:
                raise GeocoderTimedOut("Service timed out") from None
            except OSError as exc:
                raise GeocoderServiceError(f"unable to read the reply: {exc}") from None
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise GeocoderServiceError(f"reply over {MAX_REPLY_BYTES} bytes")
            chunks.append(chunk)
        if length and length.isdigit() and size < int(length):
            raise GeocoderServiceError(f"reply cut short ({size} of {int(length)} bytes)")
        encoding = page.headers.get_content_charset() or "utf-8"
        return b"".join(chunks).decode(encoding, errors="replace")
