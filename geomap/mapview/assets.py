"""Local copies of Leaflet and Leaflet.markercluster for maps that must work offline.

Folium loads Leaflet, jQuery, Bootstrap and awesome-markers from CDNs, so offline the map stays
blank. geomap's maps use only Leaflet and markercluster (circle markers, no Icon markers), served
from ``geomap/static/`` (see ``geomap/static/NOTICE`` for versions and licences) in one of four
ways (:data:`ASSET_MODES`):

``inline``
    ``<style>``/``<script>`` elements in the page head: one self-contained HTML file (the
    ``geomap map`` file). Does not work inside ``st_folium``, which inserts the head with
    ``innerHTML`` (scripts inserted that way never run).
``data``
    ``data:`` URLs in folium's ``default_js``/``default_css``: works both standalone and in
    ``st_folium`` (which loads each ``js_links`` entry with a ``<script src>``); no server needed.
``cdn``
    jsDelivr URLs of the same pinned versions (smallest HTML; needs the network).
any other string
    a base URL under which ``geomap/static/`` is served (e.g. Streamlit static serving:
    ``"app/static/geomap"``), giving ``<base>/leaflet/leaflet.js`` and so on.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

from geomap.errors import ConfigError

__all__ = ["ASSET_MODES", "STATIC_DIR", "asset_links", "inline_head", "read_asset"]

#: Folder of the vendored files (package data).
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ASSET_MODES = ("inline", "data", "cdn")

# (name, path under STATIC_DIR, jsDelivr URL), in load order.
_JS = (
    ("leaflet", "leaflet/leaflet.js", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"),
    (
        "markercluster",
        "markercluster/leaflet.markercluster.js",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    ),
)
_CSS = (
    (
        "leaflet_css",
        "leaflet/leaflet.css",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css",
    ),
    (
        "markercluster_css",
        "markercluster/MarkerCluster.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    ),
    (
        "markercluster_default_css",
        "markercluster/MarkerCluster.Default.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    ),
)
_SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*")
_CSS_IMAGE = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


@cache
def read_asset(relpath: str) -> str:
    """A vendored text file with its sourceMappingURL comment removed (cached per process).

    In CSS, ``url(images/x.png)`` references are replaced by ``data:`` URLs so the CSS works
    wherever it is put.
    """
    path = STATIC_DIR / relpath
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: vendored map asset missing ({exc.strerror})") from None
    text = _SOURCE_MAP.sub("", text)
    if relpath.endswith(".css"):
        folder = path.parent

        def inline_png(match: re.Match[str]) -> str:
            data = (folder / match.group(1)).read_bytes()
            return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

        text = _CSS_IMAGE.sub(inline_png, text)
    return text


def _data_url(relpath: str) -> str:
    mime = "text/javascript" if relpath.endswith(".js") else "text/css"
    encoded = base64.b64encode(read_asset(relpath).encode("utf-8")).decode("ascii")
    return f"data:{mime};charset=utf-8;base64,{encoded}"


def asset_links(mode: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(js, css)`` lists of ``(name, url)`` for folium's ``default_js``/``default_css``.

    Empty lists for ``inline`` (see :func:`inline_head`).

    Examples
    --------
    >>> js, css = asset_links("cdn")
    >>> [name for name, _ in js]
    ['leaflet', 'markercluster']
    >>> asset_links("app/static/geomap")[0][0]
    ('leaflet', 'app/static/geomap/leaflet/leaflet.js')
    """
    if mode == "inline":
        return [], []
    if mode == "data":
        return (
            [(name, _data_url(rel)) for name, rel, _ in _JS],
            [(name, _data_url(rel)) for name, rel, _ in _CSS],
        )
    if mode == "cdn":
        return [(n, url) for n, _, url in _JS], [(n, url) for n, _, url in _CSS]
    if not mode or any(c in mode for c in "\"'<> \\`"):
        raise ConfigError(f"map assets: {mode!r} is not one of {ASSET_MODES} or a base URL")
    base = mode.rstrip("/")
    return (
        [(n, f"{base}/{rel}") for n, rel, _ in _JS],
        [(n, f"{base}/{rel}") for n, rel, _ in _CSS],
    )


def inline_head() -> str:
    """``<style>`` and ``<script>`` elements carrying Leaflet and markercluster, in load order.

    The vendored files contain no ``</script`` or ``</style`` sequence (checked here), so they
    can be embedded as they are.
    """
    parts = []
    for _, rel, _ in _CSS:
        css = read_asset(rel)
        if "</style" in css.lower():
            raise ConfigError(f"{STATIC_DIR / rel}: cannot be inlined (contains </style)")
        parts.append(f"<style>\n{css}\n</style>")
    for _, rel, _ in _JS:
        js = read_asset(rel)
        if "</script" in js.lower():
            raise ConfigError(f"{STATIC_DIR / rel}: cannot be inlined (contains </script)")
        parts.append(f"<script>\n{js}\n</script>")
    return "\n".join(parts)
