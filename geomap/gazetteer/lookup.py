"""The local GeoNames gazetteer: the only module that reads the gazetteer index.

``Gazetteer.open(settings)`` builds the SQLite index from the bundled ``gazetteer/`` files on
first use (about 25-35 s), and later just opens it. Lookups go by
:func:`geomap.gazetteer.names.match_key`.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap.config import BUNDLED_GAZETTEER_DIR, Settings
from geomap.errors import GazetteerError, NotFoundError
from geomap.gazetteer.build import build_index, bundle_signature
from geomap.gazetteer.names import loose_key, match_keys
from geomap.models import Place

__all__ = ["KIND_LOOSE", "LOCAL_ORIGINS", "Candidate", "Gazetteer"]

KIND_LOOSE = 6  # Candidate.kind of a match on the consonant skeleton only (vowels differ)
#: Origins of the village-level layer (Who's On First, OCHA): names there are many and
#: often also people's names, so finding one in a text needs a cue before it counts.
LOCAL_ORIGINS = frozenset({"wof", "ocha"})

_PLACE_SQL = (
    "SELECT p.id, p.name, p.lat, p.lon, p.fclass, p.fcode, p.cc, p.admin1_code, p.population,"
    " coalesce(a.name, ''), coalesce(c.name, '') FROM place p"
    " LEFT JOIN admin1 a ON a.code = p.cc || '.' || p.admin1_code"
    " LEFT JOIN country c ON c.cc = p.cc"
)
_build_lock = threading.Lock()


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry that a name matched, and how well (``kind`` 0 = official name)."""

    place: Place
    kind: int
    origin: str = ""

    @property
    def exact_name(self) -> bool:
        return self.kind in (0, 2)

    @property
    def local(self) -> bool:
        """From the village-level layer only (see ``LOCAL_ORIGINS``)."""
        return self.origin in LOCAL_ORIGINS


def _row_to_place(row: tuple[object, ...]) -> Place:
    gid, name, lat, lon, fclass, fcode, cc, a1code, pop, a1name, country = row
    return Place(
        geonameid=int(gid),  # type: ignore[call-overload]
        name=str(name),
        lat=float(lat),  # type: ignore[arg-type]
        lon=float(lon),  # type: ignore[arg-type]
        feature_class=str(fclass),
        feature_code=str(fcode),
        country_code=str(cc),
        admin1_code=str(a1code),
        admin1=str(a1name),
        country=str(country),
        population=int(pop),  # type: ignore[call-overload]
    )


class Gazetteer:
    """Read access to the gazetteer index; safe to share across threads (reads only).

    Examples
    --------
    >>> gaz = Gazetteer.open(Settings.from_env())          # doctest: +SKIP
    >>> [c.place.name for c in gaz.candidates("El Bab")][:1]  # doctest: +SKIP
    ['Al Bāb']
    """

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise GazetteerError(f"gazetteer index {path} does not exist")
        self.path = path
        # Read-only URI: the index is reference data; additions reopen it for writing.
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._by_key = lru_cache(maxsize=100_000)(self._query_key)
        self._by_name = lru_cache(maxsize=100_000)(self._candidates)
        self._countries = {
            cc: gid for cc, gid in self._db.execute("SELECT cc, id FROM country").fetchall()
        }
        self._demonyms = dict(self._db.execute("SELECT key, cc FROM demonym").fetchall())
        row = self._db.execute("SELECT value FROM meta WHERE key = 'abbreviations'").fetchone()
        #: Names written with a final full stop ("Calif", "W.Va" of "Calif.", "W.Va.").
        self.abbreviations: frozenset[str] = frozenset(json.loads(row[0]) if row else ())

    @classmethod
    def open(cls, settings: Settings, *, bundle_dir: Path = BUNDLED_GAZETTEER_DIR) -> Gazetteer:
        """Open the index named by the settings, (re)building it from the bundle if needed."""
        path = settings.gazetteer_path
        with _build_lock:
            if not cls._is_current(path, bundle_dir):
                build_index(bundle_dir, path)
                _reapply_additions(path)
        return cls(path)

    @staticmethod
    def _is_current(path: Path, bundle_dir: Path) -> bool:
        if not path.exists():
            return False
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        except sqlite3.DatabaseError:
            return False
        return row is not None and row[0] == bundle_signature(bundle_dir)

    def close(self) -> None:
        self._db.close()

    # -- lookups -------------------------------------------------------------------------
    def _query_key(self, key: str) -> tuple[Candidate, ...]:
        with self._lock:
            rows = self._db.execute(
                _PLACE_SQL.replace(" FROM place p", ", n.kind, p.origin FROM place p")
                + " JOIN name n ON n.id = p.id WHERE n.key = ?"
                " ORDER BY n.kind, p.population DESC LIMIT 60",
                (key,),
            ).fetchall()
        return tuple(Candidate(_row_to_place(r[:-2]), int(r[-2]), str(r[-1])) for r in rows)

    def candidates(self, name: str, *, loose: bool = False) -> list[Candidate]:
        """Every place the name may refer to (with and without a leading article), best first.

        Only when no name matches exactly, and ``loose`` is true (the resolver asks so for a
        name already found in a text; the recognizer never does), places whose name has the
        same consonant skeleton (Idleb for Idlib) are offered, as ``KIND_LOOSE``.
        Searching returns an empty list when nothing matches.
        """
        found = self._by_name(name)
        if found or not loose:
            return list(found)
        return list(self._by_loose(name))

    def _candidates(self, name: str) -> tuple[Candidate, ...]:
        seen: dict[int, Candidate] = {}
        for i, key in enumerate(match_keys(name)):
            for cand in self._by_key(key):
                gid = cand.place.geonameid or 0
                kind = cand.kind if i == 0 else max(cand.kind, 2)
                if gid not in seen or kind < seen[gid].kind:
                    seen[gid] = Candidate(cand.place, kind, cand.origin)
        return tuple(seen.values())

    def loose_candidates(self, name: str) -> list[Candidate]:
        """Places whose name has the same consonant skeleton (``KIND_LOOSE``), exact or not."""
        return list(self._by_loose(name))

    @lru_cache(maxsize=50_000)  # noqa: B019 - the gazetteer lives as long as the process
    def _by_loose(self, name: str) -> tuple[Candidate, ...]:
        # Many places share a short skeleton; the resolver keeps only those in countries
        # the article points to, so a village must not be cut off by bigger namesakes.
        keys = match_keys(name)
        skeleton = loose_key(keys[0]) if keys else ""
        if not skeleton:
            return ()
        with self._lock:
            rows = self._db.execute(
                _PLACE_SQL.replace(" FROM place p", ", p.origin FROM place p")
                + " JOIN loose l ON l.id = p.id WHERE l.key = ?"
                " ORDER BY p.population DESC LIMIT 400",
                (skeleton,),
            ).fetchall()
        return tuple(Candidate(_row_to_place(r[:-1]), KIND_LOOSE, str(r[-1])) for r in rows)

    def get(self, geonameid: int) -> Place:
        """The place with this id; raises NotFoundError when there is none."""
        with self._lock:
            row = self._db.execute(_PLACE_SQL + " WHERE p.id = ?", (geonameid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no place with geonameid {geonameid} in the gazetteer")
        return _row_to_place(row)

    def country(self, iso2: str) -> Place:
        """The country as a Place (feature A.PCLI); raises NotFoundError for unknown codes."""
        gid = self._countries.get(iso2.upper())
        if gid is None:
            raise NotFoundError(f"no country {iso2!r} in the gazetteer")
        return self.get(gid)

    def admin1_place(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level area of a place, as a Place, if the gazetteer has it."""
        with self._lock:
            # Through admin1's primary key to the place's (the build records the area's
            # geonameid there): a lookup, where the bare WHERE scanned every place (30 ms).
            row = self._db.execute(
                _PLACE_SQL + " WHERE p.id IN (SELECT id FROM admin1 WHERE code = ?)"
                " AND p.fcode = 'ADM1' AND p.cc = ? AND p.admin1_code = ?",
                (f"{country_code}.{admin1_code}", country_code, admin1_code),
            ).fetchone()
        return _row_to_place(row) if row else None

    def places_near(self, lat: float, lon: float, km: float, *, limit: int = 500) -> list[Place]:
        """Populated places (feature class P) within the box of ``km`` around a point, the
        most populous first (at most ``limit``); the caller measures the distances.

        The box is in degrees (``km / 111``, wider in longitude away from the equator) and
        does not wrap at the antimeridian. A scan of the place table (tens of ms): for one
        map click, not for every record.
        """
        dlat = km / 111.0
        dlon = min(km / (111.0 * max(math.cos(math.radians(lat)), 0.01)), 180.0)
        with self._lock:
            rows = self._db.execute(
                _PLACE_SQL + " WHERE p.fclass = 'P' AND p.lat BETWEEN ? AND ?"
                " AND p.lon BETWEEN ? AND ? ORDER BY p.population DESC LIMIT ?",
                (lat - dlat, lat + dlat, lon - dlon, lon + dlon, limit),
            ).fetchall()
        return [_row_to_place(r) for r in rows]

    def demonym_country(self, word: str) -> str | None:
        """ISO2 code of the country a demonym names ("Syrian" -> "SY"), else None."""
        keys = match_keys(word)
        return self._demonyms.get(keys[0]) if keys else None

    def info(self) -> dict[str, object]:
        """What is loaded: counts by origin, additions, build time and file size."""
        with self._lock:
            origins = dict(self._db.execute("SELECT origin, count(*) FROM place GROUP BY origin"))
            meta = dict(self._db.execute("SELECT key, value FROM meta"))
            names = self._db.execute("SELECT count(*) FROM name").fetchone()[0]
            additions = self._db.execute("SELECT path, kind, rows, added FROM addition").fetchall()
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "places_by_origin": origins,
            "names": names,
            "built": meta.get("built", ""),
            "bundle": meta.get("bundle_dir", ""),
            "additions": [
                {"path": p, "kind": k, "rows": r, "added": a} for p, k, r, a in additions
            ],
        }


def _reapply_additions(path: Path) -> None:
    """After a rebuild, re-add the user's dumps and CSVs recorded in the additions folder."""
    from geomap.gazetteer.add import reapply_recorded_additions

    reapply_recorded_additions(path)
