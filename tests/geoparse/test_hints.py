"""Countries pointed to by the armed groups a text names."""

from __future__ import annotations

from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse.hints import country_hints
from geomap.geoparse.record import geoparse_text


def test_groups_vote_for_their_country_once() -> None:
    assert country_hints("QSD forces and the SDF clashed with YPG units.") == {"SY": 1.0}
    assert country_hints("Al-Shabaab fighters attacked a convoy.") == {"SO": 0.5, "KE": 0.5}
    # groups active in many countries, and lower-case words, are no evidence
    assert country_hints("Islamic State militants attacked; is it over?") == {}


def test_a_group_places_a_village_name_shared_abroad(gazetteer: Gazetteer) -> None:
    text = "QSD forces raided the village of Shiheil and clashed with gunmen."
    (res,) = [r for r in geoparse_text(text, gazetteer=gazetteer) if r.mention.surface == "Shiheil"]
    assert res.place is not None and res.place.country_code == "SY", res.reasons


def test_regime_forces_point_to_syria() -> None:
    assert country_hints("Regime forces shelled the village of Kitah.") == {"SY": 1.0}
    assert country_hints("Pro-regime militias advanced.") == {"SY": 1.0}
    assert country_hints("The regime announced new taxes.") == {}  # the word alone does not


def test_libyan_factions_and_the_ukraine_monitors_point_to_their_country() -> None:
    assert country_hints("GNA air force targeted LNA positions.") == {"LY": 1.0}
    assert country_hints("The OSCE SMM recorded 112 explosions.") == {"UA": 1.0}


def test_an_armed_group_named_in_the_text_is_not_a_place(gazetteer: Gazetteer) -> None:
    text = "A drone hit a post belonging to the Asayish in Ain al Arab city."
    surfaces = {r.mention.surface for r in geoparse_text(text, gazetteer=gazetteer)}
    assert "Asayish" not in surfaces and "Ain al Arab" in surfaces


def test_peoples_and_parties_vote_for_their_countries() -> None:
    assert country_hints("Pokot raiders killed eleven Turkana herders.") == {"KE": 1.5, "UG": 0.5}
    assert country_hints("ODM supporters clashed with police.") == {"KE": 1.0}
    assert country_hints("Riots followed the news of Kibakis win.") == {"KE": 1.0}  # Kibaki's
    assert country_hints("Druze elders met on Monday.") == {
        "SY": 1 / 3,
        "LB": 1 / 3,
        "IL": 1 / 3,
    }
    # peoples lend their names to places: only armed groups are kept out of recognition
    from geomap.geoparse.hints import group_spans

    assert group_spans("Turkana and QSD fighters") == [(12, 15)]
    # named as people, a people is not the place named after it (Kikuyu, a town)
    assert group_spans("Kalenjin youths killed two Kikuyu civilians.") == [(0, 8), (27, 33)]


def test_groups_of_one_region_vote_for_its_villages(gazetteer: Gazetteer) -> None:
    from geomap.geoparse.hints import area_hints

    assert area_hints("DPR forces shelled the village.") == ["UA.05"]
    assert area_hints("Farmers protested in Kyiv.") == []
    # every name of the table counts, spelled out too
    assert area_hints("The Special Monitoring Mission recorded 9 explosions.") == [
        "UA.05",
        "UA.14",
    ]
    text = "The OSCE SMM recorded 52 explosions near Sokilnyky."
    (res,) = [
        r for r in geoparse_text(text, gazetteer=gazetteer) if r.mention.surface == "Sokilnyky"
    ]
    # the Sokilnyky of Luhansk oblast, not its namesakes near Lviv or in Kirovohrad oblast
    assert res.place is not None and res.place.admin1 == "Luhansk", res.reasons


def test_a_countrys_own_administrative_words_point_to_it() -> None:
    assert country_hints("IEDs were found at the boundary of Barangays Pahug and Lusong.") == {
        "PH": 1.0
    }
    assert country_hints("A student was killed in Sheikhpara area of Shailkupa upazila.") == {
        "BD": 1.0
    }
    assert country_hints("Gunmen attacked Dusa in Logo LGA of Benue State.") == {"NG": 1.0}
