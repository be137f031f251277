"""Incident candidates from one article: explainable rules over its sentences.

``extract_incidents(article, resolutions, *, gazetteer)`` walks the article's sentences
(boilerplate and captions dropped, see :mod:`geomap.incidents.sentences`):

1. a sentence whose type rule fires (:mod:`geomap.incidents.eventtypes`) is an *event sentence*;
   sentences that speak in generalities ("for years", "since the war began") are not;
2. a sentence dated well before the article (its own date more than 30 days before the
   article date, or, in an undated article, a month- or year-level date such as "in
   November 2015") is *background*: it yields no incident and lends no counts or actors,
   and the sentences after it in the same paragraph inherit that until a new date appears;
3. event sentences of one incident are grouped: a later event sentence joins an incident
   of the same type whose place is compatible (same place, one inside the other, or no
   place of its own) and whose date agrees; a sentence with a count but no event rule
   ("Three soldiers were killed, the army said") adds to the latest incident;
4. each group becomes an :class:`~geomap.models.IncidentCandidate` with the evidence of
   every field: type (first event sentence), date (:mod:`geomap.incidents.dates`, from the event
   sentences, else their paragraph), place (:mod:`geomap.incidents.eventplace`), actors
   (:mod:`geomap.incidents.actors`), counts (:mod:`geomap.incidents.casualties`, the highest
   figure).

Dates, decided: a date in the event sentence or its paragraph wins (time_precision 1 for a
day, 2 for "last week", 3 for a month). With none, the article's date is used at
time_precision 2 (rule ``article-date``: reports describe the last few days). An article
without any date gives ``event_date=None`` and time_precision 3; a weekday it names
("on Thursday") is kept as evidence with rule ``weekday-unanchored``, which linking checks
against the dated report it joins; the incident's date then comes from that dated report
(the store merges the most precise date of its reports).

Places, decided: the event sentence's place, else the best place in its paragraph, else
the country (or admin1 area) of the places the event sentences name, at geo_precision 3.
A candidate with neither a place nor a casualty count is dropped (statements, opinion).

Stated caps, so that one huge article (a live blog, a pasted archive) costs a bounded amount
and never stalls a batch; each one reached is told in ``notices`` (the pipeline names the file):

- at most :data:`MAX_EVENT_SENTENCES` event sentences are grouped (the rest stay mentions);
- at most :data:`MAX_EVENT_GROUPS` incidents are read;
- at most :data:`MAX_REPORT_SENTENCES` sentences are read for an incident's stated toll;
- a sentence longer than :data:`~geomap.incidents.sentences.MAX_SENTENCE_CHARS` is read in
  pieces of that length;
- a figure above :data:`~geomap.incidents.casualties.MAX_COUNT` is never a toll.

No article of the evaluation sets reaches any of them (at most 26 event sentences).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Protocol

from geomap.geoparse.hints import country_hints
from geomap.incidents.actors import ActorHit, find_actors, pick_actors
from geomap.incidents.casualties import MAX_COUNT, Count, find_casualties
from geomap.incidents.dates import WEEKDAYS, DateHit, find_dates
from geomap.incidents.eventplace import PlaceChoice, choose_event_place, score_mention
from geomap.incidents.eventtypes import (
    GENERIC_RULES,
    TypeHit,
    classify_sentence,
    escalate_protest,
)
from geomap.incidents.link import haversine_km
from geomap.incidents.sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences
from geomap.incidents.tallies import find_tallies
from geomap.models import (
    METHOD_GAZETTEER,
    Article,
    Evidence,
    IncidentCandidate,
    Mention,
    Place,
    Resolution,
)

__all__ = [
    "BACKGROUND_DAYS",
    "MAX_EVENT_GROUPS",
    "MAX_EVENT_SENTENCES",
    "MAX_REPORT_SENTENCES",
    "extract_incidents",
]

#: A sentence dated this many days before the article reports an earlier event.
BACKGROUND_DAYS = 30
#: At most this many event groups are read per article (a live blog or a pasted archive
#: would otherwise cost sentences x places); later ones are left as mentions.
MAX_EVENT_GROUPS = 50
#: At most this many event sentences are grouped per article; later ones stay mentions.
MAX_EVENT_SENTENCES = 500
#: At most this many sentences are read for an incident's stated toll and escalation.
MAX_REPORT_SENTENCES = 60
_MAX_EXCERPT = 480


class _GazetteerLike(Protocol):
    def admin1_place(self, country_code: str, admin1_code: str) -> Place | None: ...
    def country(self, iso2: str) -> Place: ...


_GENERIC = re.compile(
    r"\bover the (?:past|last) (?:few |several )?(?:years|decades|months)\b"
    r"|\bfor (?:\w+ )?(?:weeks|years|months|decades)\b|\b(?:have|has) been \w+ing\b"
    r"|\bsince (?:the (?:start|beginning) of )?(?:the (?:war|conflict|uprising))\b"
    r"|\bevery (?:day|week|night)\b|\broutine(?:ly)?\b|\bthousands of (?:air ?strikes|raids)\b"
    r"|\b(?:in|throughout) the (?:past|last) (?:\w+ )?years\b|\bhistorically\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"^\s*(?:opinion|comment|commentary|editorial|analysis|column|op-ed|viewpoint)\b\s*[:|\-–—]"
    r"|^\s*the (?:author|writer) is\b|^\s*the views expressed\b",
    re.IGNORECASE | re.MULTILINE,
)
# Triggers that report an event on their own; weaker ones ("rockets", "fighting", "arrest",
# "captured") also need an actor or a casualty count in the incident.
_STRONG_TRIGGER = re.compile(
    r"air ?strike|air ?raid|warplane|suicide|bomb|\bIED|explosive|shell|land ?mine|grenade"
    r"|clash|gun ?battle|firefight|protest|demonstrat|rall[yi]|march|riot|cease-?fire|truce"
    r"|kidnap|abduct|shot dead|gunned down|massacre|threw|hurled|tear ?gas|opened fire"
    r"|explosions?|projectiles?|bursts? of fire|gunfire|gunshots?|snipers?|shoot|lynch|loot"
    r"|torch|ambush|raid",
    re.IGNORECASE,
)
_AGENT_BY = re.compile(
    r"\bby (?:an? |the )?(?:\w+ )?(?:armed group|gunmen|militants|bandits|assailants|attackers"
    r"|raiders|militia|militiamen|thugs|mob|rebels)\b",
    re.IGNORECASE,
)
_VAGUE_PAST = ("last-month-name", "in-month-name", "last-month", "last-year")
_REFERENCE_BEFORE = re.compile(r"\b(?:since|until|before|than|ahead of)\s+(?:\w+\s+)?$", re.I)


@dataclass
class _Info:
    sentence: Sentence
    dates: list[DateHit]
    own_date: DateHit | None
    type_hit: TypeHit | None
    counts: list[Count]
    background: bool = False


@dataclass
class _Group:
    infos: list[_Info] = field(default_factory=list)
    supporting: list[_Info] = field(default_factory=list)
    place: PlaceChoice | None = None
    place_info: _Info | None = None

    # What :attr:`lead` has seen of ``infos`` (which only grow): each is looked at once, so
    # asking for the lead after every added sentence stays linear in the group's size.
    _seen: int = 0
    _first_body: _Info | None = None
    _first_specific: _Info | None = None

    @property
    def lead(self) -> _Info:
        """The sentence that types the incident: the first body sentence, unless only a
        generic rule fired there and another sentence of the group says more."""
        for info in self.infos[self._seen :]:
            if not info.sentence.heading:
                self._first_body = self._first_body or info
                hit = info.type_hit
                if self._first_specific is None and hit and hit.rule not in GENERIC_RULES:
                    self._first_specific = info
        self._seen = len(self.infos)
        if self._first_body is None:  # headings only: the same rule over all of them
            specific = [
                i for i in self.infos if i.type_hit and i.type_hit.rule not in GENERIC_RULES
            ]
            return (specific or self.infos)[0]
        return self._first_specific or self._first_body


# -- per-sentence analysis ----------------------------------------------------------------
_OPENING_DATE = re.compile(
    r"^\W*(?:[A-Z][\w /-]{0,30}:\s*)?(?:(?:on|around|about|as reported on|reported on|early"
    r"|late|overnight|between|since|during|in|at)\s+(?:the\s+)?)?(?:approximately\s+)?$",
    re.IGNORECASE,
)


def _own_date(text: str, hits: list[DateHit], trigger: TypeHit | None) -> DateHit | None:
    usable = [h for h in hits if not _REFERENCE_BEFORE.search(text[max(0, h.start - 20) : h.start])]
    if not usable:
        return None
    if trigger is None:
        return usable[0]
    opening = usable[0]
    if _OPENING_DATE.match(text[: opening.start]) and opening.start < trigger.start:
        # "On 5 May 2020, ... after a clash on May 3": a date that opens the sentence
        # scopes its main clause; later dates tell of earlier things
        return opening
    return min(usable, key=lambda h: (abs(h.start - trigger.start), h.start))


def _is_old(hit: DateHit, anchor: date | None) -> bool:
    if anchor is None:  # undated article: month- and year-level dates are history
        return hit.precision == 3 and (hit.explicit_year or hit.rule in _VAGUE_PAST)
    if hit.value is None:
        return False
    span = {1: 0, 2: 7}.get(hit.precision, 31 if hit.rule != "in-year" else 366)
    return hit.value + timedelta(days=span) < anchor - timedelta(days=BACKGROUND_DAYS)


@dataclass
class _Caps:
    """What the stated caps left out of one article, for its notices."""

    events_read: int = 0
    events_seen: int = 0
    pieces: int = 0
    groups: int = 0
    report_sentences: int = 0
    refused: list[str] = field(default_factory=list)

    def notices(self) -> list[str]:
        """One line per cap reached (empty for a normal article)."""
        out = []
        if self.events_seen > self.events_read:
            out.append(
                f"read the first {self.events_read:,} event sentences of {self.events_seen:,}"
                f" (cap {MAX_EVENT_SENTENCES:,}); the rest stay mentions"
            )
        if self.pieces:
            out.append(
                f"sentences longer than {MAX_SENTENCE_CHARS:,} characters were read in"
                f" {self.pieces:,} pieces of at most {MAX_SENTENCE_CHARS:,}"
            )
        if self.groups > MAX_EVENT_GROUPS:
            out.append(
                f"read the first {MAX_EVENT_GROUPS} events of {self.groups:,}; the rest stay"
                " mentions"
            )
        if self.report_sentences > MAX_REPORT_SENTENCES:
            out.append(
                f"read the first {MAX_REPORT_SENTENCES} sentences of an incident's report of"
                f" {self.report_sentences:,} for its toll"
            )
        if self.refused:
            shown = ", ".join(f'"{t[:40]}"' for t in self.refused[:3])
            out.append(
                f"{len(self.refused):,} figure(s) above {MAX_COUNT:,} not read as a toll: {shown}"
            )
        return out


def _analyse(sentences: Sequence[Sentence], anchor: date | None, caps: _Caps) -> list[_Info]:
    infos: list[_Info] = []
    paragraph, background = -1, False
    for s in sentences:
        caps.pieces += s.cut
        type_hit = classify_sentence(s.text)
        if caps.events_read >= MAX_EVENT_SENTENCES:
            caps.events_seen += type_hit is not None  # counted for the notice, not read
            continue
        if s.paragraph != paragraph:
            paragraph, background = s.paragraph, False
        hits = find_dates(s.text, anchor=anchor)
        if type_hit is not None and _GENERIC.search(s.text):
            # "have been fighting for years" tells of no one event; a sentence with its own
            # day does ("On 14 Oct 2019, workers marched over salaries unpaid for 5 months")
            type_hit = type_hit if any(h.precision == 1 for h in hits) else None
        own = _own_date(s.text, hits, type_hit)
        if own is not None:
            background = _is_old(own, anchor)
        counts = find_casualties(
            s.text, exclude=[(h.start, h.end) for h in hits], refused=caps.refused
        )
        infos.append(_Info(s, hits, own, type_hit, counts, background))
        if type_hit is not None and not background:
            caps.events_read += 1
            caps.events_seen += 1
    return infos


# -- grouping -----------------------------------------------------------------------------
def _rank(choice: PlaceChoice) -> tuple[int, int]:
    place = choice.resolution.place
    assert place is not None
    level = 0 if place.is_country else 1 if place.feature_class == "A" else 2
    return level, -choice.geo_precision


def _better_place(choice: PlaceChoice, info: _Info, group: _Group) -> bool:
    """A finer place wins; at the same level a body sentence beats a headline."""
    if group.place is None or group.place_info is None:
        return True
    if _rank(choice)[0] != _rank(group.place)[0]:
        return _rank(choice)[0] > _rank(group.place)[0]
    return group.place_info.sentence.heading and not info.sentence.heading


def _contains(wide: Place, narrow: Place) -> bool:
    if wide.is_country:
        return wide.country_code == narrow.country_code
    if wide.feature_class == "A":
        return wide.country_code == narrow.country_code and wide.admin1_code == narrow.admin1_code
    return False


def _same_place(a: PlaceChoice, b: PlaceChoice) -> bool:
    pa, pb = a.resolution.place, b.resolution.place
    assert pa is not None and pb is not None
    if pa.geonameid is not None and pa.geonameid == pb.geonameid:
        return True
    if _contains(pa, pb) or _contains(pb, pa):
        return True
    near = 2 in (a.geo_precision, b.geo_precision)
    return near and haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= 25.0


def _dates_agree(a: DateHit | None, b: DateHit | None) -> bool:
    if a is None or b is None or a.value is None or b.value is None:
        return True
    slack = max(a.precision, b.precision)
    return abs((a.value - b.value).days) <= {1: 1, 2: 7}.get(slack, 31)


def _span_index(resolutions: Sequence[Resolution]) -> Callable[[int, int], range | None]:
    """The positions of the mentions starting in ``[lo, hi)`` (by bisection when the mentions
    are in text order, else None: all of them)."""
    starts = [r.mention.start for r in resolutions]
    if any(a > b for a, b in pairwise(starts)):
        return lambda lo, hi: None
    return lambda lo, hi: range(bisect_left(starts, lo), bisect_left(starts, hi))


def _group(
    text: str, infos: list[_Info], resolutions: Sequence[Resolution], gaz: _GazetteerLike | None
) -> list[_Group]:
    groups: list[_Group] = []
    pending: list[_Info] = []
    within = _span_index(resolutions)
    for info in infos:
        if info.background:
            continue
        s = info.sentence
        if info.type_hit is None:
            if info.counts:
                (groups[-1].supporting if groups else pending).append(info)
            continue
        trig = (s.start + info.type_hit.start, s.start + info.type_hit.end)
        choice = choose_event_place(
            text, resolutions, trigger=trig, bounds=(s.start, s.end), gazetteer=gaz,
            indices=within(s.start, s.end),
        )  # fmt: skip
        target = None
        for g in reversed(groups):
            g_type = g.lead.type_hit
            assert g_type is not None
            if not _dates_agree(g.lead.own_date, info.own_date):
                continue
            places_ok = choice is None or g.place is None or _same_place(g.place, choice)
            generic = g_type.rule in GENERIC_RULES or info.type_hit.rule in GENERIC_RULES
            if (g_type.event_type == info.type_hit.event_type or generic) and places_ok:
                target = g
            elif choice is None and g_type.event_type != info.type_hit.event_type:
                target = None  # another kind of event with no place of its own: context
            break
        if target is None:
            if choice is None and groups:
                groups[-1].supporting.append(info)
                continue
            target = _Group()
            groups.append(target)
        target.infos.append(info)
        if choice is not None and _better_place(choice, info, target):
            target.place, target.place_info = choice, info
    if groups and pending:
        groups[0].supporting.extend(pending)
    return groups


# -- fields -------------------------------------------------------------------------------
def _date_field(
    g: _Group, infos: list[_Info], anchor: date | None
) -> tuple[date | None, int, Evidence | None]:
    own = [i for i in g.infos if i.own_date is not None and i.own_date.value is not None]
    if own:
        best = min(own, key=lambda i: i.own_date.precision)  # type: ignore[union-attr]
        hit = best.own_date
        assert hit is not None and hit.value is not None
        return (
            hit.value,
            hit.precision,
            Evidence(
                "event_date", hit.value.isoformat(), best.sentence.text, f"{hit.rule}: {hit.text}"
            ),
        )
    lead = g.lead.sentence
    for info in infos:
        if info.sentence.paragraph != lead.paragraph or info.background:
            continue
        hit = info.own_date
        if hit is not None and hit.value is not None:
            return hit.value, hit.precision, Evidence(
                "event_date", hit.value.isoformat(), info.sentence.text,
                f"paragraph {hit.rule}: {hit.text}",
            )  # fmt: skip
    if anchor is not None:
        return anchor, 2, Evidence("event_date", anchor.isoformat(), lead.text, "article-date")
    for info in g.infos:
        for hit in info.dates:
            if hit.weekday is not None:
                return (
                    None,
                    3,
                    Evidence(
                        "event_date",
                        WEEKDAYS[hit.weekday],
                        info.sentence.text,
                        "weekday-unanchored",
                    ),
                )
    return None, 3, None


def _fallback_place(
    text: str, g: _Group, infos: list[_Info], resolutions: Sequence[Resolution],
    gaz: _GazetteerLike | None,
) -> PlaceChoice | None:  # fmt: skip
    """The best place of the lead paragraph, else the country of the event sentences'
    places, else of their armed groups, else a nationality the paragraph names ("Turkish
    soldiers" fought in Syria when the YPG attacked them), else the article's country."""
    paragraph = [i.sentence for i in infos if i.sentence.paragraph == g.lead.sentence.paragraph]
    lo, hi = paragraph[0].start, paragraph[-1].end
    choice = choose_event_place(text, resolutions, bounds=(lo, hi), gazetteer=gaz)
    if choice is not None:
        choice = replace(choice, rule=f"paragraph-{choice.rule}")
        if "demonym" not in choice.rule:
            return choice
    spans = [(i.sentence.start, i.sentence.end) for i in (*g.infos, *g.supporting)]
    for r in resolutions:
        m, place = r.mention, r.place
        if place is None or not any(s <= m.start and m.end <= e for s, e in spans):
            continue
        if m.kind == "demonym":
            continue
        scored = score_mention(text, m.start, m.end, kind=m.kind, cue=m.cue)
        if scored.score is None:
            continue
        if place.is_country:
            return PlaceChoice(r, 3, "country-fallback", None, (f"country of {m.surface}",))
        country = _country_of(gaz, place.country_code)
        if country is not None:
            res = replace(r, place=country, reasons=(*r.reasons, f"country of {place.name}"))
            return PlaceChoice(res, 3, "country-fallback", None, (f"country of {m.surface}",))
    return _group_country(text, spans, gaz) or choice or _article_country(text, resolutions, gaz)


def _country_of(gaz: _GazetteerLike | None, cc: str) -> Place | None:
    """The country ``cc`` as a place, or None (no gazetteer, no code, or one it lacks)."""
    if gaz is None or not cc:
        return None
    try:
        return gaz.country(cc)
    except (KeyError, LookupError):
        return None


def _article_country(
    text: str, resolutions: Sequence[Resolution], gaz: _GazetteerLike | None
) -> PlaceChoice | None:
    """The country most of the article's places are in (at least two places, more than half
    of them), for an event whose own sentences name none: at geo_precision 3."""
    if gaz is None:
        return None
    votes: dict[str, int] = {}
    for r in resolutions:
        m, place = r.mention, r.place
        if place is None or not place.country_code or m.kind in ("demonym", "dateline"):
            continue
        if score_mention(text, m.start, m.end, kind=m.kind, cue=m.cue).score is None:
            continue  # a statement's place or a metonymy ("Ankara said")
        votes[place.country_code] = votes.get(place.country_code, 0) + 1
    if not votes:
        return None
    cc, top = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
    if top < 2 or top * 2 <= sum(votes.values()):
        return None
    country = _country_of(gaz, cc)
    if country is None:
        return None
    why = f"the country of {top} of the article's {sum(votes.values())} places ({country.name})"
    first = next(r for r in resolutions if r.place is not None and r.place.country_code == cc)
    res = replace(first, place=country, reasons=(*first.reasons, why))
    return PlaceChoice(res, 3, "article-country", None, (why,))


def _group_country(
    text: str, spans: Sequence[tuple[int, int]], gaz: _GazetteerLike | None
) -> PlaceChoice | None:
    """The country of the armed groups or peoples the event sentences name, when they name
    no place ("Police shot five members of the Mungiki sect", "Pokot raiders kill eleven
    Turkana" are in Kenya): the country with most of their votes, at geo_precision 3."""
    if gaz is None:
        return None
    votes = country_hints(" ".join(text[s:e] for s, e in spans))
    cc = max(votes, key=lambda k: votes[k], default="")
    if not cc or votes[cc] * 2 <= sum(votes.values()):
        return None  # no group, or no country with most of their votes: no guess
    country = _country_of(gaz, cc)
    if country is None:
        return None
    why = f"country of the armed group named ({country.name})"
    start = spans[0][0] if spans else 0
    mention = Mention(start, start, "", kind="group")
    res = Resolution(mention, country, 0.5, METHOD_GAZETTEER, (why,), ())
    return PlaceChoice(res, 3, "group-country", None, (why,))


def _counts_field(
    g: _Group, report: Sequence[_Info]
) -> tuple[dict[str, int | None], list[Evidence]]:
    """Killed and injured: the highest count bound to a casualty verb in the incident's
    sentences; a toll the report states outright overrides it when authoritative ("1
    fatality.", "Fatalities coded as 0"), else fills in when no count was found."""
    values, evidence = _verb_counts(g)
    tallies = [(t, i.sentence) for i in report for t in find_tallies(i.sentence.text)]
    for kind, name in (("killed", "fatalities"), ("injured", "injured")):
        mine = [(t, s) for t, s in tallies if t.kind == kind]
        ruling = next(((t, s) for t, s in mine if t.authoritative), None)
        if ruling is None and values[name] is None and mine:
            ruling = max(mine, key=lambda ts: ts[0].value)
        if ruling is None:
            continue
        t, sentence = ruling
        values[name] = t.value
        evidence = [e for e in evidence if e.field != name]
        evidence.append(Evidence(name, str(t.value), sentence.text, f"{t.rule}: {t.text}"))
    return values, evidence


def _verb_counts(g: _Group) -> tuple[dict[str, int | None], list[Evidence]]:
    best: dict[str, tuple[Count, Sentence] | None] = {"killed": None, "injured": None}
    for info in (*g.infos, *g.supporting):
        for c in info.counts:
            cur = best[c.kind]
            if cur is None or c.best > cur[0].best:
                best[c.kind] = (c, info.sentence)
    values: dict[str, int | None] = {}
    evidence: list[Evidence] = []
    for kind, name in (("killed", "fatalities"), ("injured", "injured")):
        found = best[kind]
        values[name] = found[0].best if found else None
        if found:
            c, s = found
            bounds = f" (low {c.low}, high {c.high})" if c.low is not None or c.high else ""
            evidence.append(Evidence(name, str(c.best), s.text, f"{c.rule}: {c.text}{bounds}"))
    return values, evidence


def _actor_hits(g: _Group, country: str) -> list[ActorHit]:
    etype = g.lead.type_hit.event_type if g.lead.type_hit else ""
    order = sorted(g.infos, key=lambda i: i.sentence.heading)  # body sentences first
    hits: list[ActorHit] = []
    for info in order:
        if info.type_hit is not None and info.type_hit.event_type == etype:
            hits.extend(find_actors(info.sentence.text, country=country))
    return hits


def _excerpt(g: _Group) -> str:
    parts = [g.lead.sentence.text]
    for info in (*g.infos, *g.supporting):
        if len(" ".join(parts)) > _MAX_EXCERPT // 2:
            break
        if info.sentence.text not in parts and not info.sentence.heading:
            parts.append(info.sentence.text)
    text = " ".join(parts)
    return text if len(text) <= _MAX_EXCERPT else text[: _MAX_EXCERPT - 1].rstrip() + "…"


def _candidate(
    article: Article, text: str, g: _Group, infos: list[_Info],
    resolutions: Sequence[Resolution], gaz: _GazetteerLike | None, caps: _Caps,
) -> IncidentCandidate | None:  # fmt: skip
    lead = g.lead
    th = lead.type_hit
    assert th is not None
    # The report of this incident: its lead paragraph and its own sentences, capped so that
    # a live blog of thousands of sentences costs no more than a long article.
    mine = {id(i) for i in (*g.infos, *g.supporting)}
    report_infos = [
        i for i in infos if i.sentence.paragraph == lead.sentence.paragraph or id(i) in mine
    ]
    caps.report_sentences = max(caps.report_sentences, len(report_infos))
    report_infos = report_infos[:MAX_REPORT_SENTENCES]
    report = [i.sentence.text for i in report_infos]
    th = escalate_protest(th, report)
    why = f"{th.rule}: {th.trigger}"
    evidence = [
        Evidence("event_type", th.event_type, lead.sentence.text, why),
        Evidence("sub_event_type", th.sub_event_type, lead.sentence.text, why),
    ]
    event_date, precision, date_ev = _date_field(g, infos, article.published)
    if date_ev is not None:
        evidence.append(date_ev)
    choice = g.place
    if choice is None or choice.rule == "demonym-country":
        # "Ukrainian soldiers were wounded": a place named in the lead paragraph is finer
        found = _fallback_place(text, g, infos, resolutions, gaz)
        if found is not None and (choice is None or "demonym" not in found.rule):
            choice = found
    counts, count_ev = _counts_field(g, report_infos)
    country = ""
    if choice is not None:
        place = choice.resolution.place
        assert place is not None
        country = place.country
        where = (g.place_info or lead).sentence.text if choice is g.place else lead.sentence.text
        evidence.append(Evidence("location", place.name, where, f"{choice.rule}: "
                                 f"{choice.resolution.mention.surface}"))  # fmt: skip
    a1, a2 = pick_actors(
        _actor_hits(g, country),
        event_type=th.event_type,
        sub_event_type=th.sub_event_type,
        country=country,
    )
    unsupported = a1 is None and a2 is None and set(counts.values()) == {None}
    lead_span = (lead.sentence.start, lead.sentence.end)
    names_a_place = any(
        lead_span[0] <= r.mention.start and r.mention.end <= lead_span[1]
        and r.mention.kind != "demonym"
        for r in resolutions
    )  # fmt: skip
    if _AGENT_BY.search(lead.sentence.text):
        unsupported = False  # "kidnapped and robbed by an armed group": someone did it
    if unsupported and choice is None and not names_a_place and len(th.trigger.split()) < 2:
        # no place (not even one the gazetteer cannot find), no actor, no count and a
        # one-word trigger: a statement or an opinion. A trigger that names its target
        # ("militia attacks herdsman", "observed 2 shots", "bodies found") is an event.
        return None
    weak = len(th.trigger.split()) < 2 and not _STRONG_TRIGGER.search(th.trigger)
    if unsupported and weak:
        return None  # "the Rockets swept Portland", "artillery systems for $1.3 bn"
    for name, hit in (("actor1", a1), ("actor2", a2)):
        if hit is not None:
            evidence.append(Evidence(name, hit.name, "", f"{hit.rule}: {hit.surface}"))
    evidence.extend(count_ev)
    return IncidentCandidate(
        article_id=article.id,
        event_type=th.event_type,
        sub_event_type=th.sub_event_type,
        event_date=event_date,
        time_precision=precision,
        location=choice.resolution if choice else None,
        geo_precision=choice.geo_precision if choice else 3,
        actor1=a1.name if a1 else "",
        actor2=a2.name if a2 else "",
        fatalities=counts["fatalities"],
        injured=counts["injured"],
        notes=lead.sentence.text[:300],
        excerpt=_excerpt(g),
        evidence=tuple(evidence),
    )


def extract_incidents(
    article: Article,
    resolutions: Sequence[Resolution],
    *,
    gazetteer: _GazetteerLike | None = None,
    notices: list[str] | None = None,
) -> list[IncidentCandidate]:
    """The incidents an article reports (none for an opinion piece or a bare statement).

    ``resolutions`` are the article's place mentions (``geomap.geoparse.record.geoparse_text`` on
    ``article.text``); ``gazetteer`` widens "X province" to X's admin1 area and supplies
    countries for the fallback place (optional). Each stated cap the article reaches (see the
    module docstring) appends one line to ``notices`` when given.

    Examples
    --------
    >>> from geomap.models import Article
    >>> extract_incidents(Article("a1", "War is never the answer."), [])
    []
    """
    text = article.text
    if _OPINION.search(article.title) or _OPINION.search(text):
        return []  # opinion and analysis pieces report no incident of their own
    caps = _Caps()
    infos = _analyse(split_sentences(text), article.published, caps)
    found: list[tuple[_Group, IncidentCandidate]] = []
    groups = _group(text, infos, resolutions, gazetteer)
    for n, g in enumerate(groups, 1):
        cand = _candidate(article, text, g, infos, resolutions, gazetteer, caps)
        if cand is not None:
            found.append((g, cand))
        if len(found) >= MAX_EVENT_GROUPS:
            caps.groups = len(groups) if n < len(groups) else 0
            break
    if notices is not None:
        notices.extend(caps.notices())
    return _reported_events(found)


# How a round-up turns to another event: a discourse marker, or a sentence that opens on its
# place ("In Damascus, a mortar hit ...", "Near Idlib, ...").
_NEW_EVENT = re.compile(
    r"^\W*(?:(?:elsewhere|meanwhile|separately|also|earlier|later|further (?:north|south|east"
    r"|west))\b|in (?:a |an )?(?:separate|another|other|second|related) (?:incident|attack"
    r"|development)|(?:in|at|near|outside|north of|south of|east of|west of) (?:the )?"
    r"(?:[a-z]+ )?[A-Z])",
    re.IGNORECASE,
)


def _opens_new_event(sentence: str) -> bool:
    """Whether a sentence turns to another event (see ``_NEW_EVENT``)."""
    return bool(_NEW_EVENT.match(sentence))


def _reported_events(found: list[tuple[_Group, IncidentCandidate]]) -> list[IncidentCandidate]:
    """The events the article reports: its main event (the first, from the headline and
    lead), and another only when it is clearly a distinct event: a place of its own that is
    neither the main event's place nor inside it, and a day or a casualty toll of its own.
    Everything else is the main story's background, reactions or context.
    """
    if not found:
        return []
    main_group, main = found[0]
    out = [main]
    kept: list[tuple[_Group, IncidentCandidate]] = [(main_group, main)]
    for g, cand in found[1:]:
        if g.place is None or cand.location is None:
            continue
        if any(k.place is not None and _same_place(k.place, g.place) for k, _ in kept):
            continue
        own_day = any(
            i.own_date is not None and i.own_date.precision == 1 and i.own_date.value is not None
            for i in g.infos
        )
        other_day = own_day and cand.event_date != main.event_date
        own_toll = any(i.counts for i in g.infos)
        if other_day or (own_toll and _opens_new_event(g.lead.sentence.text)):
            out.append(cand)
            kept.append((g, cand))
    return out
