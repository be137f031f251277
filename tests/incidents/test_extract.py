"""Incident extraction on sentences we wrote: types, actors, event place, whole articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geomap.gazetteer.lookup import Gazetteer
from geomap.incidents import eventtypes
from geomap.incidents.actors import find_actors, pick_actors
from geomap.incidents.eventplace import choose_event_place, score_mention
from geomap.incidents.eventtypes import EVENT_TYPES, classify_sentence
from geomap.incidents.extract import (
    MAX_EVENT_GROUPS,
    MAX_EVENT_SENTENCES,
    MAX_REPORT_SENTENCES,
    extract_incidents,
)
from geomap.incidents.sentences import MAX_SENTENCE_CHARS, noise_reason, split_sentences
from geomap.models import METHOD_GAZETTEER, Article, IncidentCandidate, Mention, Place, Resolution
from tests.incidents.incident_places import (
    AL_BAB,
    AL_RAI,
    ALEPPO,
    ANKARA,
    BINNISH,
    IDLIB_ADM1,
    IDLIB_CITY,
    MOSCOW,
    RUSSIA,
    SARMIN,
    ST_PETERSBURG,
    SYRIA,
    TURKEY,
    USA,
    TinyAreas,
    resolve,
)

EXP = "Explosions/Remote violence"


# -- event types --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "etype", "sub"),
    [
        ("A Russian airstrike near al-Bab killed three soldiers.", EXP, "Air/drone strike"),
        ("Government artillery shelled the town on Tuesday.", EXP,
         "Shelling/artillery/missile attack"),
        ("A roadside bomb exploded next to a minibus.", EXP, "Remote explosive/landmine/IED"),
        ("A suicide bomber blew himself up at a checkpoint.", EXP, "Suicide bomb"),
        ("A grenade was thrown into a police car.", EXP, "Grenade"),
        ("Rebels clashed with Islamic State fighters near Manbij.", "Battles", "Armed clash"),
        ("Government forces recaptured the village after a week.", "Battles",
         "Government regains territory"),
        ("Militants seized the town of Deir Hafer.", "Battles",
         "Non-state actor overtakes territory"),
        ("Unidentified gunmen shot dead a shepherd.", "Violence against civilians", "Attack"),
        ("Gunmen have seriously wounded a conservationist at her ranch.",
         "Violence against civilians", "Attack"),
        ("Two militia factions exchanged gun fire in the village.", "Battles", "Armed clash"),
        ("Settlers cut down about 30 olive trees near the village.", "Strategic developments",
         "Looting/property destruction"),
        ("An arson attack hit a factory in the district.", "Strategic developments",
         "Looting/property destruction"),
        ("Traders burnt down three villas after the demolition of their kiosks.",
         "Strategic developments", "Looting/property destruction"),
        ("Police discover a large bomb on a bus and disarm it.", "Strategic developments",
         "Disrupted weapons use"),
        ("The two sides signed several peace accords in the capital.", "Strategic developments",
         "Agreement"),
        ("Students blocked the railway tracks rejecting the new rules.", "Protests",
         "Peaceful protest"),
        ("Nurses gathered in front of the main hospital during a visit of the minister to "
         "demand masks.", "Protests", "Peaceful protest"),
        ("Gunmen abducted two aid workers on the road.", "Violence against civilians",
         "Abduction/forced disappearance"),
        ("Thousands of people protested in Ankara on Sunday.", "Protests", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters.", "Protests",
         "Protest with intervention"),
        ("Security forces opened fire on demonstrators, killing four.", "Protests",
         "Excessive force against protesters"),
        ("Young men threw stones at police and set fire to cars.", "Riots",
         "Violent demonstration"),
        ("An angry mob lynched a man accused of theft.", "Riots", "Mob violence"),
        ("The warring parties agreed to a ceasefire in the town.", "Strategic developments",
         "Agreement"),
        ("Police arrested 12 people in dawn raids.", "Strategic developments", "Arrests"),
        ("Turkish troops set up a new base near the town.", "Strategic developments",
         "Headquarters or base established"),
        ("Looters ransacked shops in the market.", "Strategic developments",
         "Looting/property destruction"),
        ("Farmers demonstrate against the price of seed.", "Protests", "Peaceful protest"),
        ("Hundreds of fans poured into the streets over the ban.", "Protests",
         "Peaceful protest"),
        ("Police battle cattle raiders near the river.", "Battles", "Armed clash"),
        ("Two clans battle over a well.", "Battles", "Armed clash"),
        ("Pupils went on a rampage over the exam timetable.", "Riots",
         "Violent demonstration"),
        ("Youths engaged police in running battles on the highway.", "Riots",
         "Violent demonstration"),
        ("Hawkers pelt council officers with stones.", "Riots", "Violent demonstration"),
        ("A mob torches two houses after a theft.", "Riots", "Mob violence"),
        ("Post-election violence spread through the valley.", "Riots",
         "Violent demonstration"),
        ("A battle between two clans (post-election violence) left four dead.", "Battles",
         "Armed clash"),
        ("Unknown men attack a bank employee at his gate.", "Violence against civilians",
         "Attack"),
        ("Gunmen sprayed the car of a county official parked at the market with bullets.",
         "Violence against civilians", "Attack"),
        ("The two counties signed a memorandum of understanding on grazing land.",
         "Strategic developments", "Agreement"),
        ("Three bodies were dumped near the quarry.", "Violence against civilians", "Attack"),
        ("Retired soldiers block roads at the depot, demanding pensions.", "Protests",
         "Peaceful protest"),
        ("Villagers hold two officers hostage over the arrests.", "Violence against civilians",
         "Abduction/forced disappearance"),
        ("Police repulsed a dawn militia attack on the post.", "Battles", "Armed clash"),
        ("Army units thwarted a rebel incursion on the northern front.", "Battles",
         "Armed clash"),
        ("Herders steal cattle from a ranch.", "Strategic developments",
         "Looting/property destruction"),
        ("Students strike over exam fees and vandalise the library.", "Riots",
         "Violent demonstration"),
        ("Guards went on alert after an attack on a hill village.",
         "Violence against civilians", "Attack"),
        ("Marchers who had blocked a bridge were dispersed by police.", "Protests",
         "Protest with intervention"),
        ("Officers beat up a businesswoman at the market.", "Violence against civilians",
         "Attack"),
        ("Community members stoned a suspected thief.", "Riots", "Mob violence"),
        ("The army killed dozens of terrorists near the dam.", "Battles", "Armed clash"),
        ("The gunmen suffered losses in raids by army choppers.", EXP, "Air/drone strike"),
        ("Gun attacks on two hotels left six dead.", "Violence against civilians", "Attack"),
    ],
)  # fmt: skip
def test_each_acled_type(
    sentence: str, etype: str, sub: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hit = classify_sentence(sentence)
    assert hit is not None and (hit.event_type, hit.sub_event_type) == (etype, sub)
    assert sub in EVENT_TYPES[etype]
    # the cheap prefilters never hide a rule that fires: the same answer without them
    monkeypatch.setattr(eventtypes, "_HINTS", {})
    assert classify_sentence(sentence) == hit


def test_all_25_acled_sub_event_types() -> None:
    assert sum(len(subs) for subs in EVENT_TYPES.values()) == 25


VAC, BAT, PRO, STRAT = (
    "Violence against civilians", "Battles", "Protests", "Strategic developments",
)  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "etype", "sub"),
    [
        # passive voice, nominalisations, headlines and coders' formulas
        ("Two soldiers were killed when gunmen fired on their checkpoint.", BAT, "Armed clash"),
        ("Gunmen shot and killed a shepherd near the village.", VAC, "Attack"),
        ("Three civilians killed in attack on market", VAC, "Attack"),
        ("Snipers shot and killed 1 regime soldier on the western axis.", BAT, "Armed clash"),
        ("Clashes broke out between the army and rebels on Tuesday.", BAT, "Armed clash"),
        ("Regime forces gained control of the town after heavy fighting.", BAT,
         "Government regains territory"),
        ("Rebel factions managed to control three villages in the north.", BAT,
         "Non-state actor overtakes territory"),
        ("Troops exchanged shelling with rebels along the front line.", BAT, "Armed clash"),
        ("Clashes accompanied by airstrikes took place near the dam.", BAT, "Armed clash"),
        ("A chlorine attack was reported in the suburb.", "Explosions/Remote violence",
         "Chemical weapon"),
        ("Engineers defused a roadside bomb on the highway.", STRAT, "Disrupted weapons use"),
        ("Air defences shot down a drone over the base.", STRAT, "Disrupted weapons use"),
        ("Fifty fighters surrendered to the army on Monday.", STRAT, "Change to group/activity"),
        ("Militia fighters handed over their positions in the town without a fight.", STRAT,
         "Non-violent transfer of territory"),
        ("Gunmen raped two women in the camp.", VAC, "Sexual violence"),
        ("Traders gathered outside the council offices to demand lower fees.", PRO,
         "Peaceful protest"),
        ("Police dispersed the crowd outside parliament.", PRO, "Protest with intervention"),
        ("Villagers lynched a suspected cattle thief.", "Riots", "Mob violence"),
        ("Monitors counted 40 explosions near the front line.", "Explosions/Remote violence",
         "Shelling/artillery/missile attack"),
        ("Forces fired with unspecified weapons on the positions of the other side.", BAT,
         "Armed clash"),
        ("Gunmen storm a village and battle police.", BAT, "Armed clash"),
        ("Raiders kill eleven herders in a dawn attack.", VAC, "Attack"),
        ("Fights broke out between rival union delegates.", "Riots", "Mob violence"),
        ("Residents blocked the main road over unpaid compensation.", PRO, "Peaceful protest"),
        ("Bandits attacked a passenger van on the highway.", VAC, "Attack"),
        ("Unknown assailants attack village, kill one.", VAC, "Attack"),
        ("A market informant killed, gang suspected.", VAC, "Attack"),
        ("3 killed in the town overnight.", VAC, "Attack"),
        ("Herders shoot a police reservist.", BAT, "Armed clash"),
        ("Homes burned after the election result.", STRAT, "Looting/property destruction"),
        ("Monitors observed a total of 12 shots near the village.", BAT, "Armed clash"),
        ("Villagers in the valley beat up and burnt to death a suspected thief.", "Riots",
         "Mob violence"),
        ("Clashes broke out between police and stone-throwing protesters.", "Riots",
         "Violent demonstration"),
        ("A protester throws a petrol bomb at the ministry.", "Riots", "Violent demonstration"),
        ("Officers seized four pistols and 200 rounds of ammunition.", STRAT,
         "Disrupted weapons use"),
        ("Two rifles were found in the boot of a car at the checkpoint.", STRAT,
         "Disrupted weapons use"),
        ("The army has established several barracks near the border.", STRAT,
         "Headquarters or base established"),
        ("Troops withdrew from the crossing, leaving it in the hands of the militia.", STRAT,
         "Non-violent transfer of territory"),
        ("Two soldiers were injured in a grenade explosion at the gate.", EXP, "Grenade"),
        ("Unknown gunmen shot and killed an army lieutenant in the town.", BAT, "Armed clash"),
        ("Gunmen attacked using small arms fire a police checkpoint.", BAT, "Armed clash"),
        ("Militants attacked the 5th Division and militia positions.", BAT, "Armed clash"),
        ("Fighters launched an attack on the village at dawn.", BAT, "Armed clash"),
        ("The militia stopped troops as they tried to advance on the hill.", BAT, "Armed clash"),
        ("Regime forces established control over four villages.", BAT,
         "Government regains territory"),
        ("Rebels advanced, capturing the village of Tal Jabin.", BAT,
         "Non-state actor overtakes territory"),
        ("A driver was killed when his car was hit by a rebel-planted mine.", EXP,
         "Remote explosive/landmine/IED"),
        ("Militants pounded a military base overnight.", EXP, "Shelling/artillery/missile attack"),
        ("A guard was found hanged at the post.", VAC, "Attack"),
        ("A hundred raiders attacked a manyatta, killing 2.", VAC, "Attack"),
        ("Gunmen hurled explosives at the county offices.", EXP, "Grenade"),
        ("Gunmen sprayed the minister's car with bullets.", VAC, "Attack"),
        ("Militants laid siege to the town on Monday.", BAT, "Armed clash"),
    ],
)  # fmt: skip
def test_news_language(sentence: str, etype: str, sub: str) -> None:
    hit = classify_sentence(sentence)
    assert hit is not None and (hit.event_type, hit.sub_event_type) == (etype, sub)
    assert sub in EVENT_TYPES[etype]


@pytest.mark.parametrize(
    "sentence",
    [
        "Ankara could order airstrikes if the talks fail.",
        "Moscow and Ankara announced a joint investigation into the strike.",
        "Further demonstrations were planned in Istanbul next week.",
        "The opposition called for a ceasefire.",
        "Riot police were deployed around the square.",
        "Five injured when a bus overturned on the highway.",
        "12 dead after a lorry crash near the bridge.",
        "Dead fish washed up on the shore.",
        "The two firms pounded out a deal on Monday.",
        "The lawmaker was killing time before the vote.",
    ],
)
def test_no_event(sentence: str) -> None:
    assert classify_sentence(sentence) is None


# -- actors -------------------------------------------------------------------------------
def actors(sentence: str, etype: str, country: str = "Syria") -> tuple[str, str]:
    hit = classify_sentence(sentence)
    assert hit is not None
    a1, a2 = pick_actors(
        find_actors(sentence, country=country),
        event_type=etype,
        sub_event_type=hit.sub_event_type,
        country=country,
    )
    return (a1.name if a1 else "", a2.name if a2 else "")


def test_russian_airstrike_on_turkish_soldiers() -> None:
    s = "A Russian airstrike near al-Bab hit a building housing Turkish soldiers, killing three."
    assert actors(s, EXP) == ("Military Forces of Russia", "Military Forces of Turkey")
    s2 = "Three Turkish soldiers were killed when Russian jets bombed a building."
    assert actors(s2, EXP) == ("Military Forces of Russia", "Military Forces of Turkey")


def test_named_and_generic_actors() -> None:
    assert actors("Rebels clashed with Islamic State fighters near Manbij.", "Battles") == (
        "Rebels (Syria)", "Islamic State",
    )  # fmt: skip
    assert actors("Unidentified gunmen shot dead two farmers.", "Violence against civilians",
                  "Iraq") == ("Unidentified Armed Group (Iraq)", "Civilians (Iraq)")  # fmt: skip
    assert actors("Police fired tear gas to disperse protesters.", "Protests", "Turkey") == (
        "Protesters (Turkey)", "Police Forces of Turkey",
    )  # fmt: skip
    assert actors("Thousands marched through the city.", "Protests", "Turkey") == (
        "Protesters (Turkey)", "",
    )  # fmt: skip


def test_the_source_of_a_report_is_not_an_actor() -> None:
    s = "A roadside bomb killed two passengers, police said."
    assert [a.name for a in find_actors(s, country="Iraq")] == ["Civilians (Iraq)"]


# -- event place --------------------------------------------------------------------------
def test_event_place_cues_and_statement_places() -> None:
    s = ("Speaking in St. Petersburg, Putin said a strike near al-Bab killed three soldiers, "
         "as officials in Ankara and Moscow demanded answers.")  # fmt: skip
    res = resolve(s, ("St. Petersburg", ST_PETERSBURG), ("al-Bab", AL_BAB), ("Ankara", ANKARA),
                  ("Moscow", MOSCOW))  # fmt: skip
    trig = (s.index("strike"), s.index("strike") + 6)
    choice = choose_event_place(s, res, trigger=trig)
    assert choice is not None
    assert (choice.resolution.place, choice.geo_precision, choice.rule) == (AL_BAB, 2, "near")
    assert score_mention(s, res[0].mention.start, res[0].mention.end).rule == "statement-place"
    assert score_mention(s, res[2].mention.start, res[2].mention.end).rule == "statement-place"


@pytest.mark.parametrize(
    ("sentence", "found", "expected", "precision"),
    [
        ("Shelling hit the al-Sakhour neighbourhood of Aleppo.",
         [("al-Sakhour", None), ("Aleppo", ALEPPO)], ALEPPO, 2),
        ("Clashes broke out in the town of al-Rai on Monday.", [("al-Rai", AL_RAI)], AL_RAI, 1),
        ("Turkish troops in al-Bab came under fire.", [("Turkish", TURKEY, "demonym"),
                                                       ("al-Bab", AL_BAB)], AL_BAB, 1),
        ("Regime artillery shelled Idlib province overnight.", [("Idlib", IDLIB_CITY)],
         IDLIB_ADM1, 3),
        ("Moscow and Ankara said an airstrike hit a building in northern Syria.",
         [("Moscow", MOSCOW), ("Ankara", ANKARA), ("northern Syria", SYRIA, "region")], SYRIA, 3),
        ("Ankara's foreign ministry said rockets hit al-Rai.", [("Ankara", ANKARA),
                                                                ("al-Rai", AL_RAI)], AL_RAI, 1),
        ("Gunmen attacked a checkpoint in rural al-Bab.", [("al-Bab", AL_BAB)], AL_BAB, 2),
        ("Russian jets struck a market in Aleppo.", [("Russian", RUSSIA, "demonym"),
                                                     ("Aleppo", ALEPPO)], ALEPPO, 1),
        ("Gunmen shot a Turkish soldier.", [("Turkish", TURKEY, "demonym")], TURKEY, 3),
        # a region named after a city is coarser than a town the clause names
        ("IS fighters attacked positions in western Aleppo near Sarmin town.",
         [("western Aleppo", replace(ALEPPO, population=1_600_000), "region"),
          ("Sarmin", SARMIN)], SARMIN, 2),
        # ... not the city's parent: "northern Binnish, Idlib" is Binnish
        ("Rebels took a hill in northern Binnish, Idlib.",
         [("northern Binnish", replace(BINNISH, population=30_000), "region"),
          ("Idlib", replace(IDLIB_CITY, population=160_000))],
         replace(BINNISH, population=30_000), 2),
        # a road named after a town is not that town
        ("Gunmen fired on a car on Sarmin road in Idlib.",
         [("Sarmin", SARMIN), ("Idlib", IDLIB_CITY)], IDLIB_CITY, 1),
        # ... but "north Binnish town" is a town with a direction
        ("A fighter was shot north Binnish town in Idlib countryside.",
         [("north Binnish", BINNISH, "region"), ("Idlib", IDLIB_CITY)], BINNISH, 2),
    ],
)  # fmt: skip
def test_event_place(sentence: str, found: list, expected: object, precision: int) -> None:  # type: ignore[type-arg]
    choice = choose_event_place(sentence, resolve(sentence, *found), gazetteer=TinyAreas())
    assert choice is not None
    assert (choice.resolution.place, choice.geo_precision) == (expected, precision)


def test_no_event_place_when_only_statement_places() -> None:
    s = "Moscow and Ankara announced a joint investigation."
    assert choose_event_place(s, resolve(s, ("Moscow", MOSCOW), ("Ankara", ANKARA))) is None


# -- sentences ----------------------------------------------------------------------------
def test_captions_banners_and_menus_are_dropped() -> None:
    text = ("HOME | NEWS | SYRIA | SPORTS\nHelp us grow: become a member today!\n"
            "Photo: Smoke over Aleppo, November 2016\nShelling hit Binnish. Two died.\n"
            "Comments (3)\nReply")  # fmt: skip
    assert [s.text for s in split_sentences(text)] == ["Shelling hit Binnish.", "Two died."]
    assert noise_reason("A teachers' rally in Izmir, 5 November 2016 (AFP)") == "caption"


# -- whole articles -----------------------------------------------------------------------
WIRE = """Russian air strike kills three Turkish soldiers near Syria's al-Bab

ANKARA (Wire) - Three Turkish soldiers were killed and eleven wounded early on Thursday when a Russian airstrike near al-Bab in northern Syria accidentally hit a building where they were stationed, the military said.

Photo: Turkish tanks near al-Rai, 12 October 2016

A Kremlin spokesman told reporters in Moscow that Putin had called Erdogan. Moscow and Ankara announced a joint investigation into the strike.

Russian aircraft backed government forces when they retook eastern Aleppo in December.

It was the worst incident since Turkey shot down a Russian Su-24 warplane near the Syrian border in November 2015. One of its two pilots was killed by gunfire from the ground."""  # noqa: E501


def wire_resolutions(text: str) -> list:  # type: ignore[type-arg]
    return resolve(
        text,
        ("Turkish", TURKEY, "demonym"), ("al-Bab", AL_BAB), ("ANKARA", ANKARA, "dateline"),
        ("Turkish", TURKEY, "demonym"), ("Russian", RUSSIA, "demonym"), ("al-Bab", AL_BAB),
        ("northern Syria", SYRIA, "region"), ("al-Rai", AL_RAI), ("Moscow", MOSCOW),
        ("Moscow", MOSCOW), ("Ankara", ANKARA), ("Aleppo", ALEPPO), ("Turkey", TURKEY),
        ("Syrian", SYRIA, "demonym"),
    )  # fmt: skip


def extract(text: str, published: date | None) -> list[IncidentCandidate]:
    article = Article("art1", text, published=published)
    return extract_incidents(article, wire_resolutions(text), gazetteer=TinyAreas())


def ev(c: IncidentCandidate, name: str) -> str:
    return next(e.rule for e in c.evidence if e.field == name)


def test_wire_report_gives_one_incident_with_every_field() -> None:
    (c,) = extract(WIRE, date(2017, 2, 9))
    assert (c.event_type, c.sub_event_type) == (EXP, "Air/drone strike")
    assert (c.event_date, c.time_precision) == (date(2017, 2, 9), 1)
    assert c.location is not None and c.location.place == AL_BAB and c.geo_precision == 2
    assert (c.actor1, c.actor2) == ("Military Forces of Russia", "Military Forces of Turkey")
    assert (c.fatalities, c.injured) == (3, 11)
    assert c.excerpt.startswith("ANKARA (Wire) - Three Turkish soldiers were killed")
    assert ev(c, "event_date") == "weekday: Thursday"
    assert ev(c, "location") == "near: al-Bab"
    assert ev(c, "fatalities") == "verb-before:number: three"  # the headline's "kills three"


def test_the_same_report_two_days_later_still_dates_thursday() -> None:
    (c,) = extract(WIRE, date(2017, 2, 11))
    assert c.event_date == date(2017, 2, 9)


def test_undated_report_keeps_the_weekday_for_linking() -> None:
    (c,) = extract(WIRE, None)
    assert (c.event_date, c.time_precision) == (None, 3)
    assert [(e.value, e.rule) for e in c.evidence if e.field == "event_date"] == [
        ("Thursday", "weekday-unanchored")
    ]
    assert (c.fatalities, c.injured) == (3, 11)  # the 2015 pilot is not counted


def test_without_any_date_in_the_text_the_article_date_is_used_at_week_precision() -> None:
    text = "Shelling hit the town of Binnish, killing two civilians."
    c = extract_incidents(Article("a", text, published=date(2017, 2, 22)),
                          resolve(text, ("Binnish", BINNISH)))  # fmt: skip
    assert [(x.event_date, x.time_precision) for x in c] == [(date(2017, 2, 22), 2)]
    assert ev(c[0], "event_date") == "article-date"


def test_two_towns_in_one_article_are_two_incidents() -> None:
    text = ("Government shelling hit the town of Binnish on Wednesday, killing two civilians. "
            "Separately, artillery shelled the town of Sarmin, killing a woman.")  # fmt: skip
    cands = extract_incidents(Article("a", text, published=date(2017, 2, 22)),
                              resolve(text, ("Binnish", BINNISH), ("Sarmin", SARMIN)))  # fmt: skip
    assert [(c.location.place, c.fatalities) for c in cands if c.location] == [
        (BINNISH, 2), (SARMIN, 1),
    ]  # fmt: skip


def test_statements_and_opinion_give_no_incident() -> None:
    statement = "Moscow and Ankara announced a joint investigation. Officials in Ankara said more."
    found = resolve(statement, ("Moscow", MOSCOW), ("Ankara", ANKARA))
    assert extract_incidents(Article("s", statement, published=date(2017, 2, 9)), found) == []
    opinion = ("OPINION: Air power will not end the war\nAirstrikes have become routine in "
               "Syria. A ceasefire that holds is what Syria needs.")  # fmt: skip
    assert extract_incidents(Article("o", opinion, title="OPINION: Air power"), []) == []


def test_older_incident_is_background_even_with_counts() -> None:
    text = ("Turkey shot down a Russian warplane near the border in November 2015, "
            "killing one of its pilots.")  # fmt: skip
    assert extract_incidents(Article("b", text, published=date(2017, 2, 9)), []) == []


def test_weak_triggers_need_an_actor_or_a_count() -> None:
    sports = "The Rockets swept their four-game series with Ankara on Sunday."
    assert extract_incidents(Article("r", sports, published=date(2017, 2, 12)),
                             resolve(sports, ("Ankara", ANKARA))) == []  # fmt: skip
    strike = "An airstrike hit the town of Binnish on Sunday."
    (c,) = extract_incidents(Article("s", strike, published=date(2017, 2, 12)),
                             resolve(strike, ("Binnish", BINNISH)))  # fmt: skip
    assert (c.sub_event_type, c.actor1, c.fatalities) == ("Air/drone strike", "", None)


def test_history_words_are_not_events() -> None:
    assert classify_sentence("It was the site of the county's last lynching in 1946.") is None
    assert classify_sentence("Police executed two search warrants on Monday.") is None


def test_a_protest_met_with_tear_gas_is_a_protest_with_intervention() -> None:
    text = "Workers protested outside the ministry on Monday. Police fired tear gas."
    (c,) = extract_incidents(Article("p", text, published=date(2020, 5, 4)), [])
    assert (c.event_type, c.sub_event_type) == ("Protests", "Protest with intervention")


def test_an_article_reports_its_main_event_not_every_event_it_mentions() -> None:
    text = (
        "Shelling killed two people in Binnish on Sunday. The strike came a day after "
        "clashes near Ankara's embassy were reported. Officials said fighting continues."
    )
    found = extract_incidents(
        Article("m", text, published=date(2017, 2, 12)),
        resolve(text, ("Binnish", BINNISH), ("Ankara", ANKARA)),
    )
    assert len(found) == 1 and found[0].fatalities == 2


def test_the_smallest_place_named_wins_and_a_far_namesake_does_not() -> None:
    village = Place(9_000_001, "Tall Test", 36.40, 37.45, "P", "PPL", "SY", "09", "Aleppo", "Syria")
    text = "Clashes took place in Tall Test village in the eastern countryside of Aleppo."
    choice = choose_event_place(text, resolve(text, ("Tall Test", village), ("Aleppo", ALEPPO)))
    assert choice is not None and choice.resolution.place == village
    # "the X neighbourhood of Y" resolved to a namesake 100 km away: placed at Y, approximate
    far = Place(9_000_002, "Al Mansura", 35.90, 38.30, "P", "PPL", "SY", "09", "Aleppo", "Syria")
    text = "Shelling hit the Al Mansura neighbourhood of Aleppo on Monday."
    choice = choose_event_place(text, resolve(text, ("Al Mansura", far), ("Aleppo", ALEPPO)))
    assert choice is not None and choice.resolution.place == ALEPPO
    assert choice.geo_precision == 2


class _CountingList(list):  # type: ignore[type-arg]
    """The article's mentions, counting how many times any of them is looked at."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in list.__iter__(self):
            _CountingList.reads += 1
            yield item

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        _CountingList.reads += 1
        return list.__getitem__(self, key)


def test_choosing_event_places_reads_each_sentences_own_mentions_only() -> None:
    # Issue 15: every event sentence scanned every mention of the article (sentences x
    # mentions); 20,000 sentences about one town took 535 s.
    unit = "Shelling hit Aleppo on Monday. "
    n = 400
    text = unit * n
    found = []
    for i in range(n):
        start = i * len(unit) + unit.index("Aleppo")
        found.append(Resolution(Mention(start, start + 6, "Aleppo"), ALEPPO, 0.9, METHOD_GAZETTEER))
    mentions = _CountingList(found)
    _CountingList.reads = 0
    cands = extract_incidents(Article("a1", text, published=date(2017, 2, 9)), mentions)
    assert len(cands) == 1 and cands[0].location is not None
    assert _CountingList.reads <= 20 * n  # the old code read n * n = 160,000


def test_abbreviations_are_still_found_after_a_long_line() -> None:
    line = "Shelling hit Aleppo on Monday. " * 200 + "Gen. Ali spoke. Troops left."
    assert [s.text for s in split_sentences(line)][-2:] == ["Gen. Ali spoke.", "Troops left."]


def test_an_observed_exchange_of_fire_near_a_named_place_is_an_incident() -> None:
    text = "On 5 May 2020, monitors observed 3 explosions near Binnish."
    (c,) = extract_incidents(
        Article("o", text, published=date(2020, 5, 5)), resolve(text, ("Binnish", BINNISH))
    )
    assert c.sub_event_type == "Shelling/artillery/missile attack" and c.location is not None


def test_a_date_opening_the_sentence_scopes_its_main_clause() -> None:
    text = (
        "On 5 May 2020, gunmen attacked a checkpoint in Binnish, two days after a clash "
        "on 3 May 2020 nearby."
    )
    (c,) = extract_incidents(
        Article("d", text, published=date(2020, 5, 6)), resolve(text, ("Binnish", BINNISH))
    )
    assert c.event_date == date(2020, 5, 5)


# -- stated caps (#15) ---------------------------------------------------------------------------
def _about_aleppo(text: str) -> list[Resolution]:
    """A resolution to Aleppo for every "Aleppo" in ``text``."""
    return resolve(text, *(("Aleppo", ALEPPO),) * text.count("Aleppo"))


def test_a_normal_article_reaches_no_cap_and_gives_the_same_incidents() -> None:
    notices: list[str] = []
    article = Article("art1", WIRE, published=date(2017, 2, 9))
    with_notices = extract_incidents(
        article, wire_resolutions(WIRE), gazetteer=TinyAreas(), notices=notices
    )
    assert notices == []
    assert with_notices == extract(WIRE, date(2017, 2, 9))


def test_event_sentences_past_the_cap_stay_mentions_with_a_notice() -> None:
    text = "Shelling hit Aleppo on Monday. " * (MAX_EVENT_SENTENCES + 100)
    notices: list[str] = []
    (c,) = extract_incidents(
        Article("big", text, published=date(2017, 2, 9)), _about_aleppo(text), notices=notices
    )
    assert c.location is not None and c.location.place == ALEPPO
    assert (
        f"read the first {MAX_EVENT_SENTENCES:,} event sentences of "
        f"{MAX_EVENT_SENTENCES + 100:,} (cap {MAX_EVENT_SENTENCES:,}); the rest stay mentions"
    ) in notices
    assert (
        f"read the first {MAX_REPORT_SENTENCES} sentences of an incident's report of "
        f"{MAX_EVENT_SENTENCES:,} for its toll"
    ) in notices


def test_a_sentence_past_the_length_cap_is_read_in_pieces_with_a_notice() -> None:
    text = "shelling hit Aleppo and " * 1000  # 24,000 characters, no full stop
    pieces = split_sentences(text)
    assert all(len(p.text) <= MAX_SENTENCE_CHARS and p.cut for p in pieces)
    assert [text[p.start : p.end] for p in pieces] == [p.text for p in pieces]
    assert " ".join(p.text for p in pieces) == text.strip()  # cut at spaces, nothing lost
    notices: list[str] = []
    (c,) = extract_incidents(
        Article("runon", text, published=date(2017, 2, 9)), _about_aleppo(text), notices=notices
    )
    assert all(len(e.sentence) <= MAX_SENTENCE_CHARS for e in c.evidence)
    assert notices == [
        f"sentences longer than {MAX_SENTENCE_CHARS:,} characters were read in {len(pieces)} "
        f"pieces of at most {MAX_SENTENCE_CHARS:,}"
    ]


def test_events_past_the_group_cap_stay_mentions_with_a_notice() -> None:
    n = MAX_EVENT_GROUPS + 10  # each pair is two events: a shelling, then a protest
    text = "Shelling hit Aleppo on Monday. Protesters rallied in Aleppo on Monday. " * n
    notices: list[str] = []
    extract_incidents(
        Article("many", text, published=date(2017, 2, 9)), _about_aleppo(text), notices=notices
    )
    assert f"read the first {MAX_EVENT_GROUPS} events of {2 * n}; the rest stay mentions" in (
        notices
    )


def test_a_figure_too_large_for_a_toll_is_refused_with_a_notice() -> None:
    text = "Shelling hit Aleppo on Monday, killing 99999999999999999999 people."
    notices: list[str] = []
    (c,) = extract_incidents(
        Article("huge", text, published=date(2017, 2, 9)), _about_aleppo(text), notices=notices
    )
    assert c.fatalities is None  # no toll: the figure stays in the text
    assert notices == ['1 figure(s) above 1,000,000 not read as a toll: "99999999999999999999"']


def test_a_sentence_with_its_own_day_reports_an_event_despite_a_duration() -> None:
    text = "On 14 Oct 2019, nurses marched in the town to protest over pay unpaid for 5 months."
    (cand,) = extract_incidents(Article("dur", text), [])
    assert (cand.sub_event_type, cand.event_date) == ("Peaceful protest", date(2019, 10, 14))
    # without a day of its own, a duration still marks a habitual statement
    assert extract_incidents(Article("hab", "Nurses have marched for months over pay."), []) == []


def test_a_report_naming_no_place_takes_its_armed_groups_country(gazetteer: Gazetteer) -> None:
    text = "Police shot dead five members of the Mungiki sect."
    (cand,) = extract_incidents(Article("grp", text), [], gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert (cand.location.place.country_code, cand.geo_precision) == ("KE", 3)
    assert any(e.rule.startswith("group-country") for e in cand.evidence)
    # peoples too, by the country with most of their votes (Pokot: Kenya or Uganda)
    text = "Pokot raiders killed eleven Turkana herders."
    (cand,) = extract_incidents(Article("ppl", text), [], gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert cand.location.place.country_code == "KE"
    # groups of several countries give no guess
    (none,) = extract_incidents(
        Article("two", "Taliban and Houthi fighters were killed."), [], gazetteer=gazetteer
    )
    assert none.location is None


def test_who_struck_is_not_where() -> None:
    s = "A Russian air strike killed 38 civilians on Wednesday."
    res = resolve(s, ("Russian", RUSSIA, "demonym"))
    assert choose_event_place(s, res) is None  # the attacker's nationality, not the place
    s = "Airstrikes carried out by the United States killed 11 civilians in northern Syria."
    res = resolve(s, ("United States", USA), ("northern Syria", SYRIA, "region"))
    choice = choose_event_place(s, res)
    assert choice is not None and choice.resolution.place == SYRIA


def test_a_place_in_the_lead_beats_a_later_nationality(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    text = (
        "On 8 May 2020, rebel forces fired grenade launchers at the governmental positions "
        "near Marinka, Donetsk. During the day, four Ukrainian soldiers were wounded."
    )
    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("lead", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert cand.location.place.name == "Mar'yinka" and cand.geo_precision == 2
    assert (cand.event_type, cand.sub_event_type) == ("Battles", "Armed clash")


def test_neighbourhoods_listed_of_a_city_are_in_that_city(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    text = "Clashes broke out in Diriyah and Mandour neighborhoods in the western part of Raqqa."
    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("hood", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    # Ad Dirriyah, 240 km away, is a namesake: the event is in Raqqa, at precision 2
    assert (cand.location.place.name, cand.geo_precision) == ("Ar Raqqah", 2)


def test_a_village_in_a_governorates_countryside_is_the_place(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    # Qarah Baba lies 77 km from Aleppo city, in Aleppo governorate: "Aleppo" is the area
    text = "Rebel forces took control of Qarah Baba village in Aleppo northern countryside."
    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("qb", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert cand.location.place.name == "Qarah Baba"


def test_a_district_is_placed_at_the_district_not_its_province(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    for text, name in (
        ("On 13 March 2020, a Taliban sniper killed a policeman in Imam Sahib district, Kunduz.",
         "Imām Şāḩib"),
        ("On 4 March 2020, Afghan forces killed 6 Taliban in Maywand district, Kandahar.",
         "Maywand"),
    ):  # fmt: skip
        res = geoparse_text(text, gazetteer=gazetteer)
        (cand,) = extract_incidents(Article("dist", text), res, gazetteer=gazetteer)
        assert cand.location is not None and cand.location.place is not None
        assert (cand.location.place.name, cand.geo_precision) == (name, 2), cand.evidence


def test_notes_that_name_who_did_it_or_who_clashed_are_events() -> None:
    for text, sub in (
        ("Lands Secretary kidnapped and robbed by armed group", "Abduction/forced disappearance"),
        ("Clashes between rival ethnic groups over cattle and land", "Armed clash"),
    ):
        (cand,) = extract_incidents(Article("who", text), [])
        assert cand.sub_event_type == sub
    # an opinion with one weak word is still not an incident
    assert extract_incidents(Article("op", "Fighting is never the answer."), []) == []


def test_an_armed_groups_country_beats_a_soldiers_nationality(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    text = "QSD fighters attacked Turkish soldiers overnight, wounding six."
    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("grp", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert cand.location.place.country_code == "SY", cand.evidence


def test_foreigners_nationality_is_not_where(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.record import geoparse_text

    for text in (
        "A crowd protested the arrest of two British nationals; police arrested six.",
        "Somali refugees were shot dead by an unknown gunman.",
    ):
        res = geoparse_text(text, gazetteer=gazetteer)
        (cand,) = extract_incidents(Article("nat", text), res, gazetteer=gazetteer)
        assert cand.location is None, cand.evidence
    # a demonym of a place still is one: "in the Kenyan town of ..." / "Kenyan regions"
    text = "Five were killed in a cattle raid; raids have risen across arid Kenyan regions."
    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("reg", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert cand.location.place.country_code == "KE"


def test_an_event_without_a_place_of_its_own_takes_the_articles_country(
    gazetteer: Gazetteer,
) -> None:
    text = (
        "Warplanes struck a market on Monday, killing 12 people.\n\n"
        "Aleppo and Idlib have been hit often; residents of Homs fled."
    )
    from geomap.geoparse.record import geoparse_text

    res = geoparse_text(text, gazetteer=gazetteer)
    (cand,) = extract_incidents(Article("ctry", text), res, gazetteer=gazetteer)
    assert cand.location is not None and cand.location.place is not None
    assert (cand.location.place.country_code, cand.geo_precision) == ("SY", 3)
    assert any(e.rule.startswith("article-country") for e in cand.evidence)


def test_a_trigger_that_names_its_target_is_an_event_without_place_or_count() -> None:
    (cand,) = extract_incidents(Article("tgt", "Clan militia attacks a herdsman"), [])
    assert (cand.sub_event_type, cand.location) == ("Attack", None)
    # a bare one-word trigger with nothing else is not an incident
    assert extract_incidents(Article("bare", "Fighting is never the answer."), []) == []
