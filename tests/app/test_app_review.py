"""The app's Review section in Streamlit's AppTest, on a real store: verify, reject, edit,
merge and split from the incident panel, the history, and the conflict message when another
analyst changed the incident meanwhile."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from apphelpers import APP
from streamlit.testing.v1 import AppTest

from geomap.ingest.readers import make_article
from geomap.models import METHOD_GAZETTEER, IncidentCandidate, Mention, Place, Resolution
from geomap.store.review import edit_incident, iter_log, set_status
from geomap.store.sqlite import get_incident, iter_incidents, open_store, write_article

ALBAB = Place(174018, "Al Bāb", 36.37, 37.52, "P", "PPL", "SY", "09", "Aleppo", "Syria")
HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "review.sqlite"
    with open_store(path) as store:
        for text, killed in ((f"Wire A {HOSTILE}: strike near al-Bab.", 3),
                             ("Wire B: strike near al-Bab.", 4)):  # fmt: skip
            article, _ = make_article(text, origin="x.txt", source=text[:6])
            res = Resolution(Mention(0, 3, "al-Bab"), ALBAB, 0.9, METHOD_GAZETTEER)
            cand = IncidentCandidate(
                article.id, "Explosions/Remote violence", "Air/drone strike", date(2017, 2, 9),
                1, res, 1, fatalities=killed, excerpt=text,
            )  # fmt: skip
            write_article(store, article, [res], [cand])
    monkeypatch.setenv("GEOMAP_DB", str(path))
    monkeypatch.setenv("GEOMAP_TILES", "none")
    return path


def _ids(db: Path) -> list[str]:
    with open_store(db) as store:
        return [r["incident_id"] for r in iter_incidents(store, order_by="fatalities")]


def _open(incident_id: str, by: str = "Ana") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"view": "review", "incident": incident_id, "by": by})
    at.run()
    assert not at.exception
    return at


def _status(db: Path, incident_id: str) -> str:
    with open_store(db) as store:
        return str(get_incident(store, incident_id)["review_status"])


def test_verify_and_reject_from_the_panel_are_logged(db: Path) -> None:
    a, _ = _ids(db)
    at = _open(a)
    assert at.text_input(key="reviewer").value == "Ana"
    at.button(key=f"verify_{a}").click().run()
    assert _status(db, a) == "verified"
    assert any("verified by Ana" in s.value for s in at.success)
    at.text_input(key=f"reason_{a}").input("wrong place").run()
    at.button(key=f"reject_{a}").click().run()
    assert _status(db, a) == "rejected"
    with open_store(db) as store:
        log = [(e.action, e.reviewer, e.reason) for e in iter_log(store)]
    assert log == [("verify", "Ana", ""), ("reject", "Ana", "wrong place")]
    assert at.query_params.get("by") == "Ana"


def test_no_decision_without_a_name(db: Path) -> None:
    a, _ = _ids(db)
    at = _open(a, by="")
    assert at.button(key=f"verify_{a}").disabled
    assert any("Type your name" in i.value for i in at.info)


def test_a_stale_view_gets_a_conflict_message(db: Path) -> None:
    a, _ = _ids(db)
    at = _open(a)
    with open_store(db) as other:  # another analyst, another tab
        edit_incident(other, a, {"fatalities": 9}, by="Ben")
    at.button(key=f"reject_{a}").click().run()
    assert _status(db, a) == "unreviewed"
    assert any("changed since you opened it" in e.value and "Ben" in e.value for e in at.error)
    at.button(key=f"reject_{a}").click().run()  # the page now shows the new values
    assert _status(db, a) == "rejected"


def test_edit_merge_and_split_from_the_panel(db: Path) -> None:
    a, b = _ids(db)
    at = _open(b)
    form_killed = next(n for n in at.number_input if n.label == "Killed")
    form_killed.set_value(5)
    next(b_ for b_ in at.button if b_.label == "Save edits").click().run()
    with open_store(db) as store:
        assert get_incident(store, b)["fatalities"] == 5
    at.multiselect(key=f"merge_pick_{b}").select(a).run()
    at.button(key=f"merge_{b}").click().run()
    assert _ids(db) == [b]
    with open_store(db) as store:
        assert get_incident(store, b)["source_count"] == 2
    at.run()
    at.button(key=f"split_{b}").click().run()
    assert len(_ids(db)) == 2
    assert not at.exception
    history = [d for d in at.dataframe if "action" in d.value.columns]
    assert history and set(history[0].value["action"]) >= {"edit", "merge"}
    assert not any(HOSTILE in m.value for m in at.markdown)  # untrusted text never as markup


def _shown(at: AppTest) -> int:
    """The page's "Incidents shown **N**" count."""
    line = next(c.value for c in at.caption if "Incidents shown" in c.value)
    found = re.search(r"Incidents shown \*\*([\d,]+)\*\*", line)
    assert found, line
    return int(found.group(1).replace(",", ""))


def _param(at: AppTest, name: str) -> list[str]:
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def test_review_status_filter_in_the_sidebar_and_the_url(db: Path) -> None:
    a, b = _ids(db)
    with open_store(db) as store:
        set_status(store, a, "rejected", by="Ana", reason="dateline")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"view": "table"})
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="f_status").value == []
    assert _shown(at) == 1  # rejected: hidden by default
    assert list(at.dataframe[0].value["incident_id"]) == [b]
    at.sidebar.multiselect(key="f_status").select("rejected").run()
    assert _shown(at) == 1
    assert list(at.dataframe[0].value["incident_id"]) == [a]
    assert _param(at, "status") == ["rejected"]
    at.sidebar.multiselect(key="f_status").select("unreviewed").run()
    assert _shown(at) == 2
    assert _param(at, "status") == ["unreviewed", "rejected"]
    # a shared link carries the filter
    linked = AppTest.from_file(str(APP), default_timeout=120)
    linked.query_params.update({"view": "table", "status": ["verified", "rejected"]})
    linked.run()
    assert not linked.exception
    assert linked.sidebar.multiselect(key="f_status").value == ["verified", "rejected"]
    assert list(linked.dataframe[0].value["incident_id"]) == [a]
    linked.sidebar.multiselect(key="f_status").unselect("rejected").run()
    assert _shown(linked) == 0 and _param(linked, "status") == ["verified"]


def test_two_sessions_on_one_store_never_lose_an_edit(db: Path) -> None:
    """Two analysts (two app sessions, one store file) open the same incident: the first
    saves an edit, the second's decision on the old view is refused with a conflict message
    naming the first, and after the rerun shows the edit, the second's decision goes in too."""
    a, _ = _ids(db)
    ana, ben = _open(a, by="Ana"), _open(a, by="Ben")
    killed = next(n for n in ana.number_input if n.label == "Killed")
    killed.set_value(7)
    next(b_ for b_ in ana.button if b_.label == "Save edits").click().run()
    assert any("fatalities 3 → 7" in s.value for s in ana.success)
    ben.button(key=f"verify_{a}").click().run()
    assert _status(db, a) == "unreviewed"
    assert any(
        "changed since you opened it" in e.value and "edit by Ana" in e.value for e in ben.error
    )
    assert any("7 killed" in s.value for s in ben.subheader)  # the page now shows the edit
    ben.button(key=f"verify_{a}").click().run()
    assert _status(db, a) == "verified"
    with open_store(db) as store:
        assert get_incident(store, a)["fatalities"] == 7  # Ana's edit kept
        log = [(e.action, e.field, e.reviewer) for e in iter_log(store)]
    assert log == [("edit", "fatalities", "Ana"), ("verify", "review_status", "Ben")]


def test_the_keyboard_picker_opens_an_incident_and_buttons_stay_enabled(db: Path) -> None:
    """The drop-down of the queue (the keyboard's way to a row) opens the incident; the
    status buttons stay enabled after a decision (a disabled button drops the focus)."""
    a, _ = _ids(db)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"view": "review", "by": "Ana"})
    at.run()
    assert not at.exception
    picker = at.selectbox(key="review_pick")
    assert picker.value is None and len(picker.options) == 2
    picker.select(a).run()
    assert at.query_params.get("incident") == a
    assert at.selectbox(key="review_pick").value == a
    at.button(key=f"verify_{a}").click().run()
    assert _status(db, a) == "verified"
    assert not at.button(key=f"verify_{a}").disabled  # a second reviewer may confirm
    assert at.query_params.get("incident") == a  # left the queue, still under review
