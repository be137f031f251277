"""The bundled gazetteer: build, lookups, additions (GeoNames dump and custom CSV), info."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from geomap.config import BUNDLED_GAZETTEER_DIR, Settings
from geomap.errors import GazetteerError, InputError, NotFoundError
from geomap.gazetteer.add import add_custom_csv, add_file, add_geonames_dump
from geomap.gazetteer.build import BUNDLE_FILES, build_index
from geomap.gazetteer.lookup import Gazetteer


def _names(gaz: Gazetteer, name: str) -> set[tuple[str, str, str]]:
    return {
        (c.place.name, c.place.country_code, c.place.feature_code) for c in gaz.candidates(name)
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Syria", ("Syria", "SY", "PCLI")),
        ("Turkey", ("Turkey", "TR", "PCLI")),
        ("Russia", ("Russia", "RU", "PCLI")),
        ("Aleppo", ("Aleppo", "SY", "ADM1")),
        ("Aleppo", ("Aleppo", "SY", "PPLA")),
        ("al-Bab", ("Al Bāb", "SY", "PPLA2")),
        ("El Bab", ("Al Bāb", "SY", "PPLA2")),
        ("al-Rai", ("Ar Rā‘ī", "SY", "PPLA3")),
        ("Ar Ra'i", ("Ar Rā‘ī", "SY", "PPLA3")),
        ("Ankara", ("Ankara", "TR", "PPLC")),
        ("Saint Petersburg", ("Saint Petersburg", "RU", "PPLA")),
        ("St. Petersburg", ("Saint Petersburg", "RU", "PPLA")),
        ("Laurel County", ("Laurel County", "US", "ADM2")),
        ("Africa", ("Africa", "", "CONT")),
        ("Northamptonshire", ("Northamptonshire", "GB", "ADM2")),  # not in GeoNames' tables
        ("Northants", ("Northamptonshire", "GB", "ADM2")),
        ("Greater Manchester", ("Greater Manchester", "GB", "ADM2")),
        ("English", ("England", "GB", "ADM1")),  # the adjective names the nation, not the UK
        ("Welsh", ("Wales", "GB", "ADM1")),
    ],
)
def test_countries_admin_areas_and_towns_resolve(
    gazetteer: Gazetteer, name: str, expected: tuple[str, str, str]
) -> None:
    assert expected in _names(gazetteer, name)


def test_country_points_and_lookup_by_id(gazetteer: Gazetteer) -> None:
    syria = gazetteer.country("SY")
    assert syria.is_country and 32 < syria.lat < 37 and 35 < syria.lon < 42
    al_bab = gazetteer.get(174018)
    assert (al_bab.name, al_bab.admin1, al_bab.country) == ("Al Bāb", "Aleppo", "Syria")
    assert round(al_bab.lat, 3) == 36.371


def test_missing_ids_raise_and_searches_return_empty(gazetteer: Gazetteer) -> None:
    with pytest.raises(NotFoundError, match="999999999"):
        gazetteer.get(999_999_999)
    with pytest.raises(NotFoundError):
        gazetteer.country("QQ")
    assert gazetteer.candidates("Qwzxplace") == []


def test_demonyms_name_their_country(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym_country("Syrian") == "SY"
    assert gazetteer.demonym_country("Turkish") == "TR"
    assert gazetteer.demonym_country("Aleppo") is None


def test_info_reports_what_is_loaded(gazetteer: Gazetteer) -> None:
    info = gazetteer.info()
    origins = info["places_by_origin"]
    assert origins["geonames"] > 190_000 and origins["country"] > 240 and origins["admin1"] > 3000
    assert int(info["size_bytes"]) > 10_000_000  # type: ignore[call-overload]


@pytest.fixture()
def private_index(tmp_path: Path, gazetteer: Gazetteer) -> Path:
    """A private copy of the session index, so additions do not leak into other tests."""
    copy = tmp_path / "gaz.sqlite"
    src = sqlite3.connect(gazetteer.path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


def _geonames_row(gid: int, name: str, alternates: str, lat: float, lon: float, code: str) -> str:
    cols = [str(gid), name, name, alternates, str(lat), str(lon), "P", code, "SY", "",
            "09", "", "", "", "0", "", "400", "Asia/Damascus", "2024-01-01"]  # fmt: skip
    return "\t".join(cols) + "\n"


def test_add_geonames_country_dump(private_index: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(
        _geonames_row(
            9000001, "Ḩayy aş Şākhūr", "Al Sakhour,al-Sakhour,Sakhur", 36.2211, 37.1887, "PPLX"
        )
        + _geonames_row(9000002, "Tall Shaʽīr", "Tal Shair", 36.55, 37.41, "PPL"),
        encoding="utf-8",
    )
    assert add_geonames_dump(private_index, dump) == 2
    gaz = Gazetteer(private_index)
    assert ("Ḩayy aş Şākhūr", "SY", "PPLX") in _names(gaz, "al-Sakhour")
    assert gaz.info()["places_by_origin"]["dump"] == 2  # type: ignore[index]


def test_malformed_dump_names_file_and_line(private_index: Path, tmp_path: Path) -> None:
    dump = tmp_path / "bad.txt"
    dump.write_text(_geonames_row(9000003, "Ok", "", 36, 37, "PPL") + "only\tthree\tcolumns\n")
    with pytest.raises(GazetteerError, match=r"bad\.txt:2: expected 19"):
        add_geonames_dump(private_index, dump)
    # The transaction rolled back: the good first row is not half-added.
    assert Gazetteer(private_index).candidates("Ok") == [] or all(
        c.place.geonameid != 9000003 for c in Gazetteer(private_index).candidates("Ok")
    )


def test_add_custom_csv_places_and_aliases(private_index: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "places.csv"
    csv_path.write_text(
        "name,lat,lon,aliases,country,feature_code\n"
        "Sakhour Roundabout,36.2230,37.1900,Dawar al-Sakhour|Sakhour circle,SY,PPLX\n"
        "Bab Alias,,,Gate Town,,\n",
        encoding="utf-8",
    )
    # The second row adds an alias to an existing GeoNames place by id.
    csv_path.write_text(
        csv_path.read_text()
        .replace("Bab Alias,,,Gate Town,,", "Gate Town,,,,,\n")
        .replace("\n\n", "\n")
    )
    text = csv_path.read_text().splitlines()
    text[0] = "name,lat,lon,aliases,country,feature_code,geonameid"
    text[1] += ","
    text[2] = "Babtown,,,,,,174018"
    csv_path.write_text("\n".join(text) + "\n")
    kind, rows = add_file(private_index, csv_path)
    assert (kind, rows) == ("csv", 2)
    gaz = Gazetteer(private_index)
    assert ("Sakhour Roundabout", "SY", "PPLX") in _names(gaz, "Dawar al-Sakhour")
    assert ("Al Bāb", "SY", "PPLA2") in _names(gaz, "Babtown")


def test_custom_csv_errors_name_the_line(private_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nSomewhere,north,37\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv:2: lat and lon must be numbers"):
        add_custom_csv(private_index, bad)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("place,lat,lon\nX,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="'name' column"):
        add_custom_csv(private_index, nocol)


def test_index_rebuilds_when_missing_and_keeps_additions(tmp_path: Path) -> None:
    settings = Settings.from_env().with_overrides(gazetteer_path=tmp_path / "fresh" / "gaz.sqlite")
    bundle = tmp_path / "bundle"  # the bundle without the large village layer: builds faster
    bundle.mkdir()
    for name in (*BUNDLE_FILES, "admin_points.csv", "aliases.csv", "regions.csv"):
        shutil.copy(BUNDLED_GAZETTEER_DIR / name, bundle / name)
    gaz = Gazetteer.open(settings, bundle_dir=bundle)
    extra = tmp_path / "mine.csv"
    extra.write_text("name,lat,lon,country\nQwzx Camp,36.1,37.2,SY\n", encoding="utf-8")
    add_custom_csv(gaz.path, extra)
    gaz.close()
    settings.gazetteer_path.unlink()  # a wiped cache
    rebuilt = Gazetteer.open(settings, bundle_dir=bundle)
    assert [c.place.name for c in rebuilt.candidates("Qwzx Camp")] == ["Qwzx Camp"]


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [  # GeoNames' own points; the middle of the member towns is 174-253 km from each
        ("Virginia", 37.548, -77.447),
        ("Alberta", 52.283, -117.469),
        ("Ontario", 49.250, -84.500),
    ],
)
def test_admin_areas_sit_at_their_geonames_point(
    gazetteer: Gazetteer, name: str, lat: float, lon: float
) -> None:
    (area,) = [c.place for c in gazetteer.candidates(name) if c.place.feature_code == "ADM1"]
    assert abs(area.lat - lat) < 0.01 and abs(area.lon - lon) < 0.01


def _tiny_bundle(folder: Path, admin_points: str) -> Path:
    """A bundle of two towns in two provinces, plus the real country tables."""
    folder.mkdir()
    towns = [
        ("9000001", "Northtown", "40.0", "10.0", "01"),
        ("9000002", "Southtown", "30.0", "20.0", "01"),
        ("9000003", "Easttown", "35.0", "30.0", "02"),
    ]
    header = "geonameid\tname\tasciiname\talternatenames\tlat\tlon\tfclass\tfcode\tcc\tadmin1"
    lines = [header + "\tadmin2\tpopulation"]
    lines += [f"{g}\t{n}\t{n}\t\t{y}\t{x}\tP\tPPL\tSY\t{a1}\t\t1000" for g, n, y, x, a1 in towns]
    with gzip.open(folder / "places.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    (folder / "admin1CodesASCII.txt").write_text(
        "SY.01\tFirst Province\tFirst Province\t9100001\n"
        "SY.02\tSecond Province\tSecond Province\t9100002\n"
        "SY.03\tEmpty Province\tEmpty Province\t9100003\n"
        "SY.04\tUnplaced Province\tUnplaced Province\t9100004\n",
        encoding="utf-8",
    )
    with gzip.open(folder / "admin2Codes.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("")
    for name in ("countryInfo.txt", "country_points.csv"):
        shutil.copy(BUNDLED_GAZETTEER_DIR / name, folder / name)
    (folder / "admin_points.csv").write_text(admin_points, encoding="utf-8")
    return folder


def test_admin_points_file_places_areas_and_the_towns_are_the_fallback(tmp_path: Path) -> None:
    bundle = _tiny_bundle(
        tmp_path / "bundle",
        "# a comment line\ncode,lat,lon,source\nSY.02,36.5,31.5,geonames\n"
        "SY.03,33.0,36.0,naturalearth\n",
    )
    index = tmp_path / "gaz.sqlite"
    build_index(bundle, index)
    gaz = Gazetteer(index)
    try:

        def point(gid: int) -> tuple[float, float]:
            place = gaz.get(gid)
            return place.lat, place.lon

        assert point(9100001) == (35.0, 15.0)  # no point given: middle of its two towns
        assert point(9100002) == (36.5, 31.5)  # the file's point, not its one town's
        assert point(9100003) == (33.0, 36.0)  # no towns at all, placed by the file
        with pytest.raises(NotFoundError):
            gaz.get(9100004)  # neither towns nor a point: not a place
    finally:
        gaz.close()
