"""Frozen dataclasses that move between the pipeline steps (see DESIGN.md's data flow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: ``Resolution.method`` values.
METHOD_GAZETTEER = "gazetteer"
METHOD_GEOCODER = "geocoder"
METHOD_MANUAL = "manual"
METHOD_OUTLET = "outlet"  # no place named: the outlet's focus country (a guess)
METHOD_NONE = "unresolved"


@dataclass(frozen=True)
class Place:
    """One gazetteer (or geocoder) entry.

    ``geonameid`` is None for places that came from a geocoder or a user's CSV without an id.
    ``country_code`` is ISO 3166-1 alpha-2; ``admin1`` is the first-level area's name.
    """

    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature_class: str = "P"
    feature_code: str = "PPL"
    country_code: str = ""
    admin1_code: str = ""
    admin1: str = ""
    country: str = ""
    population: int = 0

    @property
    def is_country(self) -> bool:
        return self.feature_class == "A" and self.feature_code.startswith("PCL")

    @property
    def is_admin1(self) -> bool:
        return self.feature_class == "A" and self.feature_code == "ADM1"


@dataclass(frozen=True)
class Mention:
    """A place name found in a text: ``text[start:end] == surface``; no coordinates yet.

    ``kind`` is ``name`` for an ordinary toponym, ``demonym`` for "Syrian" (a mention of a
    country), ``region`` for "northern Syria", ``dateline`` for "ANKARA (Reuters) -", ``group``
    for the country an armed group named in the text stands for (an empty span).
    ``cue`` is the word that signalled it ("in", "near", "town of"...), if any.
    """

    start: int
    end: int
    surface: str
    kind: str = "name"
    cue: str = ""


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one mention: a place with a score and reasons, or unresolved."""

    mention: Mention
    place: Place | None
    score: float
    method: str = METHOD_NONE
    reasons: tuple[str, ...] = ()
    candidates: tuple[Place, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.place is not None


@dataclass(frozen=True)
class Article:
    """An ingested article. ``id`` is a hash of the normalised text, so re-ingest is a no-op.

    ``published_from`` says where the date came from: ``metadata``, ``text:<rule>`` or ``""``.
    """

    id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    published_from: str = ""
    origin: str = ""  # the file (or "<stdin>") it came from


@dataclass(frozen=True)
class Evidence:
    """Why a field has its value: the sentence it came from and the rule that fired."""

    field: str
    value: str
    sentence: str
    rule: str


@dataclass(frozen=True)
class IncidentCandidate:
    """One incident as one article reports it, before linking."""

    article_id: str
    event_type: str
    sub_event_type: str
    event_date: date | None
    time_precision: int
    location: Resolution | None
    geo_precision: int
    actor1: str = ""
    actor2: str = ""
    fatalities: int | None = None
    injured: int | None = None
    notes: str = ""
    excerpt: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Source:
    """One report of an incident: who published it and the excerpt that reports it."""

    article_id: str
    name: str
    url: str
    published: date | None
    excerpt: str


@dataclass(frozen=True)
class Incident:
    """A linked incident: one or more candidates (sources) merged, with the reasons."""

    incident_id: str
    candidates: tuple[IncidentCandidate, ...]
    sources: tuple[Source, ...]
    link_reasons: tuple[str, ...] = field(default=())


#: The flat incident record shared by the store, the exports and the map, in column order.
#: ACLED names where ACLED has one (so analysts' scripts carry over), then geomap's own.
#: Types: ``str``, ``int`` (nullable), ``float``, ``date`` (ISO ``YYYY-MM-DD`` string) and
#: ``json`` (a list or object, serialised as one JSON value in flat formats).
INCIDENT_FIELDS: dict[str, str] = {
    "incident_id": "str",
    "event_date": "date",
    "time_precision": "int",
    "event_type": "str",
    "sub_event_type": "str",
    "actor1": "str",
    "actor2": "str",
    "iso3": "str",
    "country": "str",
    "admin1": "str",
    "location": "str",
    "latitude": "float",
    "longitude": "float",
    "geo_precision": "int",
    "source": "str",  # ACLED-style: source names joined with "; "
    "notes": "str",
    "fatalities": "int",  # the best estimate when sources disagree (see fatalities_low/high)
    "injured": "int",
    "source_count": "int",
    "geonameid": "int",
    "location_method": "str",  # gazetteer | geocoder | manual
    "confidence": "float",  # 0..1, the location score
    "sources": "json",  # [{name, url, published, excerpt, article_id}]
    "evidence": "json",  # [{field, value, sentence, rule}]
    "link_reasons": "json",  # ["same place al-Bab (0.0 km)", ...]
    "review_status": "str",  # unreviewed | verified | rejected
    "reviewed_by": "str",  # the analyst's name ("" while unreviewed)
    "reviewed_at": "str",  # ISO UTC timestamp of the status decision (None while unreviewed)
    "review_reason": "str",  # the reason given with it, if any
    "fatalities_low": "int",  # the lowest and highest figure any source gives (UCDP style)
    "fatalities_high": "int",
}

#: ``review_status`` values: automatic (unreviewed), confirmed, or kept but hidden.
REVIEW_STATUSES: tuple[str, ...] = ("unreviewed", "verified", "rejected")


@dataclass(frozen=True)
class IncidentFilter:
    """What the app's sidebar and ``geomap export`` filter on; empty fields filter nothing.

    ``bbox`` is ``(min_lon, min_lat, max_lon, max_lat)``. ``text`` matches location, notes,
    actors and source excerpts, case-insensitively. ``review_statuses`` keeps only incidents
    with these statuses; when it is empty, rejected incidents are left out unless
    ``include_rejected`` is set. A date range leaves out undated incidents unless
    ``include_undated`` is set (the app sets it by default).
    """

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    text: str = ""
    min_confidence: float = 0.0
    bbox: tuple[float, float, float, float] | None = None
    review_statuses: tuple[str, ...] = ()
    include_rejected: bool = False
    include_undated: bool = False
