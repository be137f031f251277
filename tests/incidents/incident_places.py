"""Hand-built places and resolutions for the incident tests (real GeoNames ids and points)."""

from __future__ import annotations

from geomap.models import METHOD_GAZETTEER, Mention, Place, Resolution


def _town(gid: int, name: str, lat: float, lon: float, cc: str, a1c: str, a1: str, country: str,
          code: str = "PPL") -> Place:  # fmt: skip
    return Place(gid, name, lat, lon, "P", code, cc, a1c, a1, country)


AL_BAB = _town(174018, "Al Bāb", 36.37051, 37.5157, "SY", "09", "Aleppo", "Syria", "PPLA2")
AL_RAI = _town(169138, "Ar Rā‘ī", 36.61182, 37.4478, "SY", "09", "Aleppo", "Syria", "PPLA3")
ALEPPO = _town(170063, "Aleppo", 36.20124, 37.16117, "SY", "09", "Aleppo", "Syria", "PPLA")
ANKARA = _town(323786, "Ankara", 39.91987, 32.85427, "TR", "68", "Ankara", "Turkey", "PPLC")
MOSCOW = _town(524901, "Moscow", 55.75222, 37.61556, "RU", "48", "Moscow", "Russia", "PPLC")
ST_PETERSBURG = _town(498817, "Saint Petersburg", 59.93863, 30.31413, "RU", "66",
                      "St.-Petersburg", "Russia", "PPLA")  # fmt: skip
BINNISH = _town(171451, "Binnish", 35.95664, 36.7138, "SY", "12", "Idlib", "Syria", "PPLA3")
SARMIN = _town(164782, "Sarmīn", 35.90403, 36.72501, "SY", "12", "Idlib", "Syria", "PPLA3")
KHAN_SHAYKHUN = _town(168325, "Khān Shaykhūn", 35.44208, 36.65095, "SY", "12", "Idlib", "Syria",
                      "PPLA3")  # fmt: skip
SYRIA = Place(163843, "Syria", 35.0, 38.0, "A", "PCLI", "SY", "00", "", "Syria")
TURKEY = Place(298795, "Turkey", 39.0, 35.0, "A", "PCLI", "TR", "00", "", "Turkey")
RUSSIA = Place(2017370, "Russia", 60.0, 100.0, "A", "PCLI", "RU", "00", "", "Russia")
USA = Place(6252001, "United States", 39.76, -98.5, "A", "PCLI", "US", "00", "", "United States")
IDLIB_ADM1 = Place(169387, "Idlib", 35.82731, 36.620645, "A", "ADM1", "SY", "12", "Idlib", "Syria")
IDLIB_CITY = _town(169389, "Idlib", 35.93062, 36.63393, "SY", "12", "Idlib", "Syria", "PPLA")

COUNTRIES = {"SY": SYRIA, "TR": TURKEY, "RU": RUSSIA, "US": USA}


class TinyAreas:
    """The two gazetteer lookups extraction uses, over the places above."""

    def admin1_place(self, country_code: str, admin1_code: str) -> Place | None:
        if (country_code, admin1_code) == ("SY", "12"):
            return IDLIB_ADM1
        return None

    def country(self, iso2: str) -> Place:
        return COUNTRIES[iso2]


def resolve(text: str, *found: tuple[str, Place | None] | tuple[str, Place | None, str]) -> list[
    Resolution
]:  # fmt: skip
    """Resolutions for each ``(surface, place[, kind])`` at its next occurrence in ``text``."""
    out: list[Resolution] = []
    pos: dict[str, int] = {}
    for item in found:
        surface, place = item[0], item[1]
        kind = item[2] if len(item) > 2 else "name"  # type: ignore[misc]
        start = text.index(surface, pos.get(surface, 0))
        pos[surface] = start + len(surface)
        mention = Mention(start, start + len(surface), surface, kind=kind)
        out.append(Resolution(mention, place, 0.9 if place else 0.0, METHOD_GAZETTEER))
    out.sort(key=lambda r: r.mention.start)
    return out
