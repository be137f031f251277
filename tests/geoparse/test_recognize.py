"""Recognition on sentences written for these tests: places found, non-places rejected."""

from __future__ import annotations

import pytest

from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.recognize import recognize, tokenize


def surfaces(text: str, gaz: Gazetteer) -> list[str]:
    return [m.surface for m in recognize(text, gazetteer=gaz)]


def test_middle_eastern_names_that_ner_misses(gazetteer: Gazetteer) -> None:
    text = (
        "Fighting continued near al-Bab on Monday, while convoys left al-Rai for Manbij "
        "and Deir ez-Zor."
    )
    assert surfaces(text, gazetteer) == ["al-Bab", "al-Rai", "Manbij", "Deir ez-Zor"]


def test_regions_datelines_and_demonyms(gazetteer: Gazetteer) -> None:
    text = "ANKARA (Reuters) - Turkish troops moved deeper into northern Syria on Friday."
    found = {(m.surface, m.kind) for m in recognize(text, gazetteer=gazetteer)}
    assert ("ANKARA", "dateline") in found
    assert ("Turkish", "demonym") in found
    assert ("northern Syria", "region") in found


def test_multi_word_names(gazetteer: Gazetteer) -> None:
    text = "Flights from Saint Petersburg and St. Petersburg to New York resumed."
    assert surfaces(text, gazetteer) == ["Saint Petersburg", "St. Petersburg", "New York"]


@pytest.mark.parametrize(
    "text",
    [
        "Mark said the vote in May was close.",
        "President Jordan Peterson spoke at the meeting.",
        "We will meet Bill and Nancy at the Aleppo University library.",
        "The deal was signed by Hughes. Later, Hughes said nothing more.",
        "NATO and IRNA reported the talks.",
        "The ABS network went off air after the ruling.",  # not Abs, a district of Yemen
    ],
)
def test_people_organisations_and_common_words_are_not_places(
    gazetteer: Gazetteer, text: str
) -> None:
    assert surfaces(text, gazetteer) == []


def test_person_surname_remembered_within_the_text(gazetteer: Gazetteer) -> None:
    text = "Officer Tim Hughes arrived. Hughes said the road was closed."
    assert "Hughes" not in surfaces(text, gazetteer)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Capt. Roy A. Nelson said the door was open. Later, Nelson said it was shut.", "Nelson"),
        ("Staff Sgt. Christopher Lee Everett, 23, died. Everett had served two tours.", "Everett"),
        ("Mike Flores was shot in San Jose in 1994. Flores' family still asks why.", "Flores"),
    ],
)
def test_a_persons_whole_name_is_remembered(gazetteer: Gazetteer, text: str, person: str) -> None:
    # middle names and initials do not end the name; a cue never reaches into the next sentence
    assert person not in surfaces(text, gazetteer)


@pytest.mark.parametrize(
    ("text", "not_place"),
    [
        ("Crews worked on Acadia Drive. Lane closures through Thursday.", "Lane"),
        ("She teaches at the University of Rochester in New York.", "University"),
        ("The PA was worried, officials in Ramallah said.", "PA"),
        ("Marchers met at Northwest 13th Street and Northwest Eighth Avenue.", "Northwest"),
        ("Troops exchanged fire across the LoC near Poonch.", "LoC"),
        ("The Army of Free Tribes took the dam from the Islamic State.", "Free"),
        ("Coalition forces killed IS leader al-Baghdadi in a raid.", "al-Baghdadi"),
    ],
)
def test_words_that_head_other_names_are_not_places(
    gazetteer: Gazetteer, text: str, not_place: str
) -> None:
    assert not_place not in surfaces(text, gazetteer)


def test_an_abbreviation_inside_a_longer_name_is_still_its_state(gazetteer: Gazetteer) -> None:
    assert "NJ" in surfaces("She chairs the NJ State Federation of Women's Clubs.", gazetteer)


def test_a_village_listed_after_a_cued_place_shares_its_cue(gazetteer: Gazetteer) -> None:
    found = {
        m.surface: m.cue for m in recognize("Shells hit Khiam and Kfar Kila.", gazetteer=gazetteer)
    }
    assert found.get("Kfar Kila") == "hit"  # without a cue a village name needs one
    # "X, Y" names a place in a region, not a list: Y gets no cue of its own
    found = {
        m.surface: m.cue
        for m in recognize("Workers marched in Celaya, Guanajuato.", gazetteer=gazetteer)
    }
    assert found.get("Guanajuato") == ""


def test_a_country_still_names_itself_inside_an_organisation(gazetteer: Gazetteer) -> None:
    text = "Police arrested a Narc Kenya MP after the Skate Canada final; Andrew Jordan won."
    found = surfaces(text, gazetteer)
    assert "Kenya" in found and "Canada" in found
    assert "Jordan" not in found  # after a given name, a man


def test_a_road_or_border_between_two_places_names_both(gazetteer: Gazetteer) -> None:
    found = surfaces("Gunmen fired on a patrol on the Khan Arnaba-Jaba road.", gazetteer)
    assert "Khan Arnaba" in found
    found = surfaces("Militants clashed with police at a Kenya-Somalia border town.", gazetteer)
    assert found == ["Kenya", "Somalia"]
    # not split elsewhere: "Guinea-Bissau" and "al-Bab" stay whole
    assert surfaces("Troops left Guinea-Bissau and al-Bab.", gazetteer) == [
        "Guinea-Bissau",
        "al-Bab",
    ]


def test_a_time_of_day_before_a_name_does_not_hide_it(gazetteer: Gazetteer) -> None:
    assert "Wajir" in surfaces("15/02, PM Wajir: gunmen attacked a school.", gazetteer)


def test_a_village_before_its_place_noun_is_a_place(gazetteer: Gazetteer) -> None:
    # no cue word, but "front" says the village-level name Hazrama is a place
    text = "Regime forces tried to advance on Hazrama front."
    found = {m.surface for m in recognize(text, gazetteer=gazetteer)}
    assert "Hazrama" in found


def test_a_transliterated_name_spelled_otherwise_after_in(gazetteer: Gazetteer) -> None:
    # the lower-case Arabic article marks a place name even with the weak cue "in"
    text = "Rebels clashed with regime forces in M'adamiyat al-Sham on Monday."
    assert "M'adamiyat al-Sham" in surfaces(text, gazetteer)


def test_a_generic_first_word_is_not_looked_up_alone(gazetteer: Gazetteer) -> None:
    text = "Fighters exchanged fire in the Jabal al-Turkman on Monday."
    assert surfaces(text, gazetteer) == ["Jabal al-Turkman"]


def test_longer_unknown_names_are_one_name(gazetteer: Gazetteer) -> None:
    found = {
        m.surface: m.cue for m in recognize("Gunmen clashed in Wadi al-Rabi.", gazetteer=gazetteer)
    }
    assert found == {"Wadi al-Rabi": "in"}  # not "al-Rabi" alone: "Wadi" begins the name
    text = "Workers protested outside their plant in Hafer Mhor neighborhood of Bizerte."
    found = {m.surface: m.cue for m in recognize(text, gazetteer=gazetteer)}
    assert found.get("Hafer Mhor") == "neighborhood"  # one unknown name, not Hafar + Mhor
    assert "Mhor" not in found


def test_cued_unknown_places_are_reported_for_the_fallback(gazetteer: Gazetteer) -> None:
    text = "Shells hit the Qwzxabad neighbourhood and the village of Qarqozat overnight."
    found = {m.surface for m in recognize(text, gazetteer=gazetteer)}
    assert {"Qwzxabad", "Qarqozat"} <= found


def test_offsets_slice_the_text(gazetteer: Gazetteer) -> None:
    text = "Clashes in Homs’s old city; Aleppo’s east and Idlib province were shelled."
    for m in recognize(text, gazetteer=gazetteer):
        assert text[m.start : m.end] == m.surface
    assert surfaces(text, gazetteer) == ["Homs", "Aleppo", "Idlib"]


def test_tokenizer_keeps_hyphens_and_marks_sentence_starts() -> None:
    tokens = tokenize("Near al-Bab. Then Ar Ra'i")
    assert [t.text for t in tokens] == ["Near", "al-Bab", "Then", "Ar", "Ra'i"]
    assert [t.sent_start for t in tokens] == [True, False, True, False, False]


def test_places_that_public_bodies_are_named_after(gazetteer: Gazetteer) -> None:
    text = (
        "The Ohio Department of Development and the Edgar County Sheriff's Office said the "
        "Washington Post had the figures."
    )
    assert surfaces(text, gazetteer) == ["Ohio", "Edgar County"]


def test_a_politicians_home_after_the_party_letter(gazetteer: Gazetteer) -> None:
    text = "Rep. Ann Lee, D-Charleston, and Sen. Bo Gray, R-Texas, backed the D-Day memorial."
    found = [(m.surface, m.cue) for m in recognize(text, gazetteer=gazetteer)]
    assert found == [("Charleston", "party"), ("Texas", "party")]


def test_given_names_before_family_names_are_people(gazetteer: Gazetteer) -> None:
    text = "Victoria Okonkwo and Michael R. Pannell flew from Sydney to Victoria on Monday."
    assert surfaces(text, gazetteer) == ["Sydney", "Victoria"]


def test_a_word_that_begins_many_names_is_not_a_place_of_its_own(gazetteer: Gazetteer) -> None:
    text = "Clashes took place in Kafr Khasher area in Aleppo countryside."
    assert surfaces(text, gazetteer) == ["Kafr Khasher", "Aleppo"]  # not "Kafr", "Khasher"
    assert surfaces("Shelling hit Tal Rifaat on Monday.", gazetteer) == ["Tal Rifaat"]


def test_a_dateline_run_into_the_date_line(gazetteer: Gazetteer) -> None:
    text = "Last updated at Oct 04 2017 BEIRUT A strike hit a market in Idlib on Wednesday."
    found = {m.surface: m.kind for m in recognize(text, gazetteer=gazetteer)}
    assert found == {"BEIRUT": "dateline", "Idlib": "name"}


def test_a_possessive_that_lost_its_apostrophe(gazetteer: Gazetteer) -> None:
    # "Syrias Idlib": the country and the province, not one unknown name
    assert surfaces("A strike killed 15 in Syrias Idlib on Monday.", gazetteer) == [
        "Syria",
        "Idlib",
    ]
    assert surfaces("Officials in Texas met on Monday.", gazetteer) == ["Texas"]


def test_an_abbreviation_keeps_its_full_stop(gazetteer: Gazetteer) -> None:
    text = "He moved from Fargo, N.D., to Richmond, Ind. on Monday; the U.S. base closed."
    assert surfaces(text, gazetteer) == ["Fargo", "N.D.", "Richmond", "Ind.", "U.S."]
    assert surfaces("Troops left Indiana. Then they rested.", gazetteer) == ["Indiana"]


def test_weekday_abbreviations_and_ordinary_words_are_not_places(gazetteer: Gazetteer) -> None:
    text = "Mon Aug 22 2016 Monitors at the Observatory for Human Rights counted the dead in Homs."
    assert surfaces(text, gazetteer) == ["Homs"]  # not Mon State, not Human in Yemen


def test_a_neighbourhood_word_begins_a_name(gazetteer: Gazetteer) -> None:
    text = "In Tijuana, Baja California, a man was found dead in Colonia Jardines la Mesa."
    assert "Colonia" not in surfaces(text, gazetteer)  # not Colonia, New Jersey


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rebels clashed in the city of al Bab on Monday.", "al Bab"),
        ("Fighters retook Tal 'Adah town in northern Idlib.", "Tal 'Adah"),
    ],
)
def test_an_article_written_apart_and_an_ayn_apostrophe_stay_in_the_name(
    gazetteer: Gazetteer, text: str, name: str
) -> None:
    assert name in surfaces(text, gazetteer)


def test_english_words_that_look_like_articles_do_not_start_a_name(gazetteer: Gazetteer) -> None:
    assert surfaces("Smith et al. Reported it as Aleppo fell.", gazetteer) == ["Aleppo"]
    assert "at Aleppo" not in surfaces("Shells landed at Aleppo overnight.", gazetteer)
