"""geomap's map app: ``streamlit run app.py``.

The screen, top to bottom, over ``geomap.app.page`` (its sections, caches and the map
component) and the library: the sidebar filters drive the map, the table, the counts and the
exports; the filters live in the URL so a view can be shared. An empty store is offered the
bundled sample articles, in a demo store of their own. Untrusted text (articles, file names)
is shown only as plain text or through ``geomap.mapview``'s escaped popups, never with
``unsafe_allow_html``.
"""

from __future__ import annotations

import streamlit as st

from geomap.app import page, review
from geomap.app.state import store_signature
from geomap.config import Settings
from geomap.errors import GeomapError


def show_store(settings: Settings) -> None:
    """Filters in the sidebar; metrics, then one section: map, table, review, adding,
    correcting."""
    # The gazetteer opens in the background (the first start builds its index): the map and
    # the table never wait for it, only the sections that geoparse or search places.
    page.start_gazetteer(settings)
    settings = page.store_or_demo(settings)  # the samples live apart

    db = str(settings.db_path)
    signature = store_signature(db)
    facets, total = page.cached_facets(db, signature)
    page.seed_from_url(facets)
    section = page.section_picker()  # the sidebar's top, above the filters
    flt = page.sidebar(facets)
    page.sync_url(flt, section)
    key = page.filter_key(flt)
    view = page.cached_view(db, signature, key)
    page.metrics(view, total)  # one compact line: the map starts right below
    page.filter_hints(flt, facets)
    page.new_incidents_notice(view, facets)
    if section == "Table":
        page.incident_table(view, db, signature, key)
        page.exports(view)
    elif section == "Review":
        review.review_section(settings, page.open_gazetteer(settings), flt)
    elif section == "Add articles":
        page.add_articles(settings, page.open_gazetteer(settings))
    elif section == "Correct a place":
        page.correct_place(settings, page.open_gazetteer(settings), view)
    else:
        page.map_section(settings, db, signature, key)
        page.exports(view)


def main() -> None:
    """The page; geomap's own errors (a store that is not a geomap store, a broken gazetteer)
    are shown as a message, not a traceback."""
    st.set_page_config(page_title="geomap", page_icon=":world_map:", layout="wide")
    settings = page.load_settings()
    st.sidebar.title("geomap")  # in the sidebar: the map starts at the top of the page
    try:
        show_store(settings)
    except GeomapError as exc:
        st.error("geomap cannot show this store.")
        st.text(str(exc))
    st.caption("Store (GEOMAP_DB):")
    st.text(str(settings.db_path))
    page.about()


if __name__ == "__main__":  # streamlit runs the page as __main__; tests may import it
    main()
