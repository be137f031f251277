"""Who's On First: the bundled conflict-region places, and WOF records users add."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli.main import main as cli
from geomap.errors import InputError
from geomap.gazetteer.add import add_file
from geomap.gazetteer.lookup import Gazetteer
from geomap.gazetteer.wof import iter_wof_places, place_from_feature
from geomap.geoparse.record import geoparse_text
from geomap.geoparse.resolve import distance_km
from geomap.models import Place

WOF_FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "wof"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return distance_km(Place(None, "", lat1, lon1), Place(None, "", lat2, lon2))


# Places of the front lines, in sentences written for this test, with their coordinates
# (GeoNames / Who's On First / OCHA points).
FRONT_LINE_PLACES = [
    ("Shelling hit al-Bab in northern Syria.", "al-Bab", 36.3705, 37.5157),
    ("The border town of al-Rai in northern Syria was shelled.", "al-Rai", 36.6118, 37.4478),
    ("Troops crossed at Çobanbey in Kilis province.", "Çobanbey", 36.6372, 37.4756),
    ("Clashes near Tadef, south of al-Bab in Aleppo province.", "Tadef", 36.3481, 37.5309),
    ("An airstrike hit Qabasin, east of al-Bab in Aleppo province.", "Qabasin", 36.4327, 37.5686),
    ("Rebels entered Bza'a near al-Bab in Aleppo province.", "Bza'a", 36.3808, 37.5650),
    ("Shells fell on Tal Rifaat in northern Aleppo.", "Tal Rifaat", 36.4736, 37.0967),
    ("Fighting reached Deir Hafer in eastern Aleppo countryside.", "Deir Hafer", 36.1569, 37.7078),
    ("Barrel bombs hit the al-Sakhour neighbourhood of Aleppo.", "al-Sakhour", 36.2195, 37.1898),
    ("Clashes west of Manbij in Aleppo province.", "Manbij", 36.5266, 37.9563),
    ("Tanks crossed into Jarablus in northern Syria.", "Jarablus", 36.8175, 38.0111),
    ("A car bomb exploded in Azaz in northern Syria.", "Azaz", 36.5866, 37.0443),
    ("Rebels captured Dabiq in northern Syria.", "Dabiq", 36.5371, 37.2680),
    ("Militants attacked Tal Afar west of Mosul in Iraq.", "Tal Afar", 36.3791, 42.4481),
    ("Iraqi forces retook Bartella east of Mosul.", "Bartella", 36.3537, 43.3813),
    ("A drone struck Kfar Kila in southern Lebanon.", "Kfar Kila", 33.2772, 35.5517),
    ("Shelling hit Khiam and Kfar Kila in southern Lebanon.", "Khiam", 33.3278, 35.6128),
    ("Troops advanced near Robotyne in Zaporizhzhia oblast.", "Robotyne", 47.4456, 35.8343),
    ("Marines held positions in Krynky in Kherson oblast.", "Krynky", 46.7281, 33.0694),
    ("Russian forces attacked Vuhledar in Donetsk oblast.", "Vuhledar", 47.7787, 37.2567),
    ("Fighting continued near Klishchiivka in Donetsk oblast.", "Klishchiivka", 48.5300, 37.9605),
    ("Clashes took place in Maaraba town in Dara countryside.", "Maaraba", 32.5464, 36.4261),
]  # fmt: skip


@pytest.mark.parametrize(("text", "name", "lat", "lon"), FRONT_LINE_PLACES)
def test_front_line_places_are_found_offline_at_their_point(
    gazetteer: Gazetteer, text: str, name: str, lat: float, lon: float
) -> None:
    found = [r for r in geoparse_text(text, gazetteer=gazetteer) if r.mention.surface == name]
    assert found, f"{name} not recognised in {text!r}"
    place = found[0].place
    assert place is not None, found[0].reasons
    assert km(lat, lon, place.lat, place.lon) < 2.0, (place.name, place.country_code)


def test_bundle_keeps_wof_ids_beside_geonames_ids(gazetteer: Gazetteer) -> None:
    db = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        origins = dict(db.execute("SELECT origin, count(*) FROM place GROUP BY origin"))
        syria = db.execute("SELECT count(*) FROM place WHERE cc = 'SY'").fetchone()[0]
        # al-Bab (GeoNames 174018) is a cities500 place that WOF also holds: merged, one row
        wof_id = db.execute("SELECT wof_id FROM place WHERE id = 174018").fetchone()[0]
    finally:
        db.close()
    assert origins["wof"] > 250_000 and origins["ocha"] == 109
    assert 10_000 < syria < 12_000
    assert wof_id is not None


def test_spellings_news_and_coders_use_find_the_same_place(gazetteer: Gazetteer) -> None:
    def ids(name: str) -> set[int | None]:
        return {c.place.geonameid for c in gazetteer.candidates(name, loose=True)}

    assert ids("Idleb") & ids("Idlib")
    assert ids("Sweida") & ids("As-Suwayda")
    assert ids("Deir el-Zour") & ids("Deir-ez-Zor")
    assert ids("Tell Rifaat") & ids("Tal Rifaat")
    assert ids("Klishchiivka") & ids("Klyshchiyivka")
    assert ids("الباب") & ids("al-Bab")  # Arabic script is indexed too


def test_looser_key_only_behind_the_exact_one(gazetteer: Gazetteer) -> None:
    exact = gazetteer.candidates("al-Rai")
    assert len(exact) < 10
    assert gazetteer.candidates("al-Rai", loose=True) == exact
    assert gazetteer.candidates("Idleb") and not gazetteer.candidates("Qwzxtpl", loose=True)


def test_wof_records_are_read_as_published() -> None:
    places = {p.name: p for p in iter_wof_places(WOF_FOLDER)}
    # retired (superseded_by), deprecated and country records are not places to offer
    assert set(places) == {"Khirbat Geomapiya", "Testove", "Aleppo"}
    village = places["Khirbat Geomapiya"]
    assert (village.wof_id, village.gn_id, village.country_code) == (999000001, 0, "SY")
    assert "خربة جيومابية" in village.names
    assert places["Testove"].admin1_code == "05" and "Тестове" in places["Testove"].names
    assert places["Aleppo"].gn_id == 170063


def test_a_record_that_is_not_wof_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="wof:id"):
        place_from_feature({"type": "Feature", "properties": {"name": "x"}}, "bad.geojson")
    deep = tmp_path / "deep.geojson"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"deep\.geojson"):
        list(iter_wof_places(deep))


@pytest.fixture()
def private_index(tmp_path: Path, gazetteer: Gazetteer) -> Path:
    """A private copy of the session index, so additions do not leak into other tests."""
    copy = tmp_path / "gaz.sqlite"
    src = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def test_gazetteer_add_reads_a_wof_folder(private_index: Path) -> None:
    assert add_file(private_index, WOF_FOLDER) == ("wof", 3)
    gaz = Gazetteer(private_index)
    try:
        (village,) = gaz.candidates("Khirbet Geomapiya")
        assert village.place.country_code == "SY" and village.place.admin1_code
        assert gaz.candidates("خربة جيومابية")
        assert not gaz.candidates("Old Geomapiya") and not gaz.candidates("Lost Geomapiya")
        aleppo = [c.place.geonameid for c in gaz.candidates("Halab Geomap Test")]
        assert aleppo == [170063]  # enriched, not duplicated
    finally:
        gaz.close()


def test_cli_gazetteer_add_wof_folder(private_index: Path) -> None:
    result = CliRunner().invoke(
        cli, ["gazetteer", "add", str(WOF_FOLDER)], env={"GEOMAP_GAZETTEER": str(private_index)}
    )
    assert result.exit_code == 0, result.output
    assert "added 3 wof rows" in result.output
