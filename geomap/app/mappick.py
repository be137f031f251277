"""A click on the Review section's map as a new place for an incident.

The map component sends the clicked spot back (``geomap.app.mapcomponent.pick_on_map``);
here it is checked (it comes from the browser: untrusted), named after the nearest gazetteer
place and described for the analyst, who then applies it through the same review function
as typed coordinates (``geomap.store.review.edit_incident``: an audit-log entry, exact
precision, method manual). No Streamlit here, so all of it is tested without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from geomap.geoparse.resolve import distance_km
from geomap.models import Place

if TYPE_CHECKING:
    from geomap.gazetteer.lookup import Gazetteer

__all__ = ["NAMED_WITHIN_KM", "clicked_place", "clicked_point", "nearest_place"]

#: A click this close to a gazetteer place takes its name; farther, the coordinates.
NAMED_WITHIN_KM = 5.0
_SEARCH_KM = (10.0, 50.0, 200.0)  # widening boxes for the nearest place


def clicked_point(value: object) -> tuple[float, float] | None:
    """``(lat, lon)`` of a click as the component sent it, or None for anything else
    (no click yet, a malformed or out-of-range value), rounded to 5 decimals (~1 m).

    Examples
    --------
    >>> clicked_point({"lat": 36.351234567, "lon": 37.52})
    (36.35123, 37.52)
    >>> clicked_point({"lat": 91, "lon": 0}) is None, clicked_point("36,37") is None
    (True, True)
    """
    if not isinstance(value, Mapping):
        return None
    lat, lon = value.get("lat"), value.get("lon")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    lat, lon = float(lat), float(lon)  # type: ignore[arg-type]
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return round(lat, 5), round(lon, 5)


def nearest_place(gazetteer: Gazetteer, lat: float, lon: float) -> tuple[Place, float] | None:
    """The populated gazetteer place nearest to a point and its distance in km (searched
    within 10, then 50, then 200 km), or None when there is none that near."""
    here = Place(None, "", lat, lon)
    for km in _SEARCH_KM:
        places = gazetteer.places_near(lat, lon, km, limit=5000)
        if places:
            best = min(places, key=lambda p: distance_km(here, p))
            return best, distance_km(here, best)
    return None


def clicked_place(
    gazetteer: Gazetteer, lat: float, lon: float, record: Mapping[str, Any]
) -> tuple[Place, str]:
    """The place to store for a click on the map, and the line that describes it:
    ``place at 36.35, 37.52 (nearest gazetteer place: Al Bāb, 2 km)``.

    The place is at the clicked coordinates (no gazetteer id: exact, set by hand). It takes
    the nearest place's name within :data:`NAMED_WITHIN_KM` (else the coordinates), and its
    first-level area and country (else the incident's).
    """
    found = nearest_place(gazetteer, lat, lon)
    if found is None:
        name = f"{lat:.4f}, {lon:.4f}"
        admin1, country, code = record.get("admin1") or "", record.get("country") or "", ""
        line = f"place at {lat:.2f}, {lon:.2f} (no gazetteer place within 200 km)"
    else:
        near, km = found
        name = near.name if km <= NAMED_WITHIN_KM else f"{lat:.4f}, {lon:.4f}"
        admin1, country, code = near.admin1, near.country, near.country_code
        line = f"place at {lat:.2f}, {lon:.2f} (nearest gazetteer place: {near.name}, {km:.0f} km)"
    place = Place(None, name, lat, lon, country_code=code, admin1=str(admin1), country=str(country))
    return place, line
