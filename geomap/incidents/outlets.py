"""An outlet's focus country: where a report that names no place most likely happened.

Coders know their outlets: a Nairobi daily's "Thousands protest police raids on media" is in
Kenya though the text never says so. :class:`OutletFocus` learns this from the store instead
of from a list: an outlet (an article's ``source``) has a focus country when at least
:data:`MIN_PLACED` of its articles name a place the text locates (geo_precision 1 or 2) and at
least :data:`MIN_SHARE` of them lie in one country. A candidate with no place at all then
takes that country at geo_precision 3 (location method ``outlet``), and its evidence says so
with the outlet's figures. Such a guess is no place to link on (``geomap.incidents.link``).
A candidate placed at a small namesake abroad (under 100,000 people, not a capital) that
nothing else in the article points to takes the namesake in the focus country when the
gazetteer offered one, else the focus country, with the same kind of reason: a Kenyan
paper's "Rongo town" is not Rongo in Burkina Faso.
Wire services and world desks spread over many countries and get no focus.

The tallies are seeded from the store once per outlet (``seed``, an indexed query) and kept up
to date as reports are written, so the cost stays linear in the reports ingested. The focus
is read when a report is written: the first reports of a new outlet may come before it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from geomap.models import (
    METHOD_GAZETTEER,
    METHOD_OUTLET,
    Article,
    Evidence,
    IncidentCandidate,
    Mention,
    Place,
    Resolution,
)

__all__ = ["MIN_PLACED", "MIN_SHARE", "OutletFocus"]

#: Located articles an outlet needs before it has a focus country.
MIN_PLACED = 5
#: Share of its located articles that must lie in one country.
MIN_SHARE = 2 / 3
#: Score of the country an outlet's focus gives (a guess, below any place the text names).
FOCUS_SCORE = 0.3


def placed_country(candidate: IncidentCandidate) -> str:
    """The country code of a candidate the text locates (geo_precision 1 or 2), else ""."""
    res = candidate.location
    if res is None or res.place is None or candidate.geo_precision > 2:
        return ""
    return res.place.country_code


@dataclass
class OutletFocus:
    """Per-outlet tallies of located articles by country, and the focus they give.

    ``seed(source)`` returns the stored tally of an outlet ({country code: located articles});
    it is called once per outlet, the first time one of its articles is written.
    """

    seed: Callable[[str], dict[str, int]] = field(default=lambda source: {})
    _tallies: dict[str, dict[str, int]] = field(default_factory=dict)

    def _tally(self, source: str) -> dict[str, int]:
        tally = self._tallies.get(source)
        if tally is None:
            tally = self._tallies[source] = dict(self.seed(source))
        return tally

    def focus(self, source: str) -> tuple[str, int, int] | None:
        """(country code, its articles, located articles) of ``source``'s focus, or None."""
        if not source:
            return None
        tally = self._tally(source)
        total = sum(tally.values())
        if total < MIN_PLACED:
            return None
        cc, top = max(tally.items(), key=lambda kv: (kv[1], kv[0]))
        return (cc, top, total) if top >= MIN_SHARE * total else None

    def count(self, article: Article, candidates: Sequence[IncidentCandidate]) -> None:
        """Count an article just stored once for each country its located candidates are in.

        An outlet not seen by :meth:`settle` is seeded now from the store, which already holds
        the article: it is not counted twice."""
        if not article.source:
            return
        if article.source not in self._tallies:
            self._tally(article.source)
            return
        tally = self._tallies[article.source]
        for cc in {placed_country(c) for c in candidates} - {""}:
            tally[cc] = tally.get(cc, 0) + 1

    def settle(
        self,
        article: Article,
        candidates: Sequence[IncidentCandidate],
        country_of: Callable[[str], Place] | None,
        resolutions: Sequence[Resolution] = (),
    ) -> list[IncidentCandidate]:
        """``candidates`` settled by the outlet's focus country, when it has one.

        A candidate with no place takes the focus country. One placed at a small namesake
        abroad that nothing else in the article (``resolutions``) points to takes the
        namesake in the focus country if the gazetteer offered one, else the focus country
        ("Rongo town" in a Kenyan paper is not Rongo, Burkina Faso).

        Called before the article is stored (and :meth:`count` after), so that an outlet
        seen for the first time is seeded from the store without this article.
        ``country_of(iso2)`` is the country as a place (``Gazetteer.country``)."""
        if article.source:
            self._tally(article.source)
        found = self.focus(article.source) if country_of is not None else None
        if found is None or country_of is None:
            return list(candidates)
        cc, top, total = found
        figures = f"{top} of the {total} located reports of {article.source!r}"
        out = []
        for c in candidates:
            if c.location is None or c.location.place is None:
                out.append(self._to_country(c, cc, country_of, f"no place named; {figures}"))
            elif _abroad_namesake(c.location, cc, resolutions):
                out.append(self._from_abroad(c, cc, country_of, figures))
            else:
                out.append(c)
        return out

    @staticmethod
    def _to_country(
        c: IncidentCandidate, cc: str, country_of: Callable[[str], Place], why: str
    ) -> IncidentCandidate:
        try:
            country = country_of(cc)
        except (KeyError, LookupError):
            return c
        why = f"{why} are in {country.name}"
        mention = c.location.mention if c.location else Mention(0, 0, "", kind="outlet")
        res = Resolution(mention, country, FOCUS_SCORE, METHOD_OUTLET, (why,), ())
        ev = Evidence("location", country.name, "", f"outlet-country: {why}")
        return replace(c, location=res, geo_precision=3, evidence=(*c.evidence, ev))

    @classmethod
    def _from_abroad(
        cls, c: IncidentCandidate, cc: str, country_of: Callable[[str], Place], figures: str
    ) -> IncidentCandidate:
        res = c.location
        assert res is not None and res.place is not None
        abroad = f"{res.mention.surface!r} read as {res.place.name}, {res.place.country}"
        home = next((p for p in res.candidates if p.country_code == cc), None)
        if home is None:
            return cls._to_country(c, cc, country_of, f"{abroad}, a namesake; {figures}")
        why = f"{abroad}, a namesake; {figures} are in {home.country}: its namesake there"
        moved = replace(res, place=home, score=min(res.score, FOCUS_SCORE),
                        reasons=(*res.reasons, why))  # fmt: skip
        ev = Evidence("location", home.name, "", f"outlet-namesake: {why}")
        return replace(c, location=moved, evidence=(*c.evidence, ev))


#: A place this big (or a capital) is news abroad: never taken for a namesake.
_NEWS_ABROAD_POPULATION = 100_000


def _abroad_namesake(res: Resolution, cc: str, resolutions: Sequence[Resolution]) -> bool:
    """Whether ``res`` is a small place outside the focus country ``cc`` that nothing else
    in the article points to (no other mention in its country, not even a demonym)."""
    place = res.place
    if place is None or res.method != METHOD_GAZETTEER or not place.country_code:
        return False
    if place.country_code == cc or place.is_country or place.is_admin1:
        return False
    if place.population >= _NEWS_ABROAD_POPULATION or place.feature_code == "PPLC":
        return False
    return not any(
        r.place is not None and r.place.country_code == place.country_code
        and r.mention != res.mention
        for r in resolutions
    )  # fmt: skip
