"""Settings from environment variables and flags; paths never come from the working directory."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from geomap.errors import ConfigError

#: Folder of the repository's bundled reference data (``gazetteer/``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_GAZETTEER_DIR = PROJECT_ROOT / "gazetteer"
#: The credit the bundled gazetteer's sources ask for (see gazetteer/README.md).
PLACE_DATA_CREDIT = (
    "Place data © GeoNames (https://www.geonames.org/), CC BY 4.0; Who's On First "
    "(https://whosonfirst.org/), CC0 / source licences; neighbourhoods: UN OCHA Syria common "
    "operational datasets."
)
SAMPLE_ARTICLES_DIR = PROJECT_ROOT / "geomap" / "samples"

GEOCODERS = ("nominatim", "none")
DEFAULT_USER_AGENT = "geomap/0.1 (open incident mapping; https://github.com/geomap)"
DEFAULT_TILES = "OpenStreetMap"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def user_data_dir() -> Path:
    """Where the user's incident store lives by default (XDG data home)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "geomap"


def demo_db_path(db_path: Path | str) -> Path:
    """The demo store that goes with a store: the bundled samples live there, never in the
    user's own store. ``GEOMAP_DEMO_DB`` if set; else ``<store>-demo.sqlite`` beside a store
    file, or ``geomap-demo.sqlite`` in the data directory for a database URL.

    >>> demo_db_path("/data/incidents.sqlite")
    PosixPath('/data/incidents-demo.sqlite')
    """
    if os.environ.get("GEOMAP_DEMO_DB"):
        return Path(os.environ["GEOMAP_DEMO_DB"]).expanduser()
    text = str(db_path)
    if "://" in text:
        return user_data_dir() / "geomap-demo.sqlite"
    path = Path(text)
    return path.with_name(f"{path.stem}-demo.sqlite")


def user_cache_dir() -> Path:
    """Where rebuildable files (the gazetteer index) live by default (XDG cache home)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geomap"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once from the environment and CLI flags.

    Examples
    --------
    >>> s = Settings.from_env({"GEOMAP_OFFLINE": "1", "GEOMAP_DB": "/tmp/x.sqlite"})
    >>> s.offline, s.geocoder_enabled, str(s.db_path)
    (True, False, '/tmp/x.sqlite')
    """

    db_path: Path
    gazetteer_path: Path
    offline: bool = False
    geocoder: str = "nominatim"
    nominatim_url: str | None = None
    user_agent: str = DEFAULT_USER_AGENT
    geocoder_timeout: float = 5.0
    geocoder_min_delay: float = 1.0
    tiles: str = DEFAULT_TILES
    #: Overall seconds one geocoder request may take, however slowly the server replies.
    geocoder_deadline: float = 15.0
    #: Geocoder requests (cache hits are free) allowed per article and per run.
    geocoder_max_per_article: int = 10
    geocoder_max_per_run: int = 500

    @property
    def geocoder_enabled(self) -> bool:
        """True when the network fallback may be used at all."""
        return not self.offline and self.geocoder != "none"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read ``GEOMAP_*`` variables (see the README's Configuration section)."""
        env = dict(os.environ) if env is None else env
        geocoder = (env.get("GEOMAP_GEOCODER") or "nominatim").strip().lower()
        if geocoder not in GEOCODERS:
            raise ConfigError(
                f"GEOMAP_GEOCODER={geocoder!r} is not supported; use one of {', '.join(GEOCODERS)}"
            )
        db = env.get("GEOMAP_DB") or str(user_data_dir() / "geomap.sqlite")
        gaz = env.get("GEOMAP_GAZETTEER") or str(user_cache_dir() / "gazetteer.sqlite")
        try:
            timeout = float(env.get("GEOMAP_GEOCODER_TIMEOUT") or 5.0)
            min_delay = float(env.get("GEOMAP_GEOCODER_MIN_DELAY") or 1.0)
            deadline = float(env.get("GEOMAP_GEOCODER_DEADLINE") or 15.0)
            per_article = int(env.get("GEOMAP_GEOCODER_MAX_PER_ARTICLE") or 10)
            per_run = int(env.get("GEOMAP_GEOCODER_MAX_PER_RUN") or 500)
        except ValueError as exc:
            raise ConfigError(f"geocoder timeout/delay/limits must be numbers: {exc}") from None
        if not (math.isfinite(deadline) and deadline > 0) or per_article < 0 or per_run < 0:
            raise ConfigError("geocoder deadline must be > 0 and lookup budgets >= 0")
        return cls(
            db_path=Path(db).expanduser(),
            gazetteer_path=Path(gaz).expanduser(),
            offline=_truthy(env.get("GEOMAP_OFFLINE")),
            geocoder=geocoder,
            nominatim_url=(env.get("GEOMAP_NOMINATIM_URL") or None),
            user_agent=env.get("GEOMAP_USER_AGENT") or DEFAULT_USER_AGENT,
            geocoder_timeout=timeout,
            # A public Nominatim allows 1 request/s; never go faster than that by default.
            geocoder_min_delay=max(min_delay, 0.0),
            tiles=env.get("GEOMAP_TILES") or DEFAULT_TILES,
            geocoder_deadline=deadline,
            geocoder_max_per_article=per_article,
            geocoder_max_per_run=per_run,
        )

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with CLI flags applied (``None`` values are ignored)."""
        kept = {k: v for k, v in changes.items() if v is not None}
        if "db_path" in kept:
            kept["db_path"] = Path(str(kept["db_path"])).expanduser()
        return replace(self, **kept)  # type: ignore[arg-type]
