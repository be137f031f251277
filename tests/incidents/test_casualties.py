"""Killed and injured counts (geomap.incidents.casualties)."""

from __future__ import annotations

import pytest

from geomap.incidents.casualties import MAX_COUNT, find_casualties, parse_number


def counts(sentence: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in find_casualties(sentence):
        out[c.kind] = max(out.get(c.kind, 0), c.best)
    return out


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A building housing Turkish soldiers was hit, killing three and wounding eleven.",
         {"killed": 3, "injured": 11}),
        ("Three Turkish soldiers were killed and 11 others were wounded.",
         {"killed": 3, "injured": 11}),
        ("Three Turkish soldiers were killed, 11 others wounded.", {"killed": 3, "injured": 11}),
        ("At least 20 people were killed in the shelling.", {"killed": 20}),
        ("The blast left 5 dead and 12 wounded.", {"killed": 5, "injured": 12}),
        ("The death toll rose to 14.", {"killed": 14}),
        ("A dozen people were injured.", {"injured": 12}),
        ("Dozens were hurt.", {"injured": 12}),  # ACLED codes "dozens" as 12
        ("Three of our soldiers died and eleven were injured.", {"killed": 3, "injured": 11}),
        ("Two soldiers and three civilians were killed.", {"killed": 5}),
        ("Five fighters and 2 children were wounded on Monday.", {"injured": 7}),
        ("A Russian airstrike killed three soldiers.", {"killed": 3}),
        ("An officer was killed.", {"killed": 1}),
        ("The strike wounded 11 soldiers and killed a civilian.", {"killed": 1, "injured": 11}),
        ("Twenty-one people died.", {"killed": 21}),
        ("1,200 people were injured.", {"injured": 1200}),
    ],
)  # fmt: skip
def test_counts(sentence: str, expected: dict[str, int]) -> None:
    assert counts(sentence) == expected


def test_range_keeps_low_and_high_with_the_conservative_best() -> None:
    (c,) = find_casualties("Between 5 and 7 people were killed.")
    assert (c.kind, c.best, c.low, c.high) == ("killed", 5, 5, 7)


def test_at_least_keeps_the_low_bound() -> None:
    (c,) = find_casualties("At least 20 people were killed.")
    assert (c.best, c.low, c.high) == (20, 20, None)


@pytest.mark.parametrize(
    "sentence",
    [
        "A 12-year-old boy was pulled from the rubble alive.",
        "The strike on 9 February hit a building 5 km from the town.",
        "Three airstrikes hit the town in 2016.",
        "A Russian airstrike hit a building.",
        "Turkey shot down a Russian Su-24 jet.",
        "The offensive began at 05:30.",
    ],
)
def test_not_counts(sentence: str) -> None:
    assert find_casualties(sentence) == []


def test_age_does_not_count_but_the_person_does() -> None:
    assert counts("A 12-year-old boy was killed.") == {"killed": 1}


def test_active_subject_is_not_the_victim() -> None:
    assert counts("Three airstrikes killed 12 people.") == {"killed": 12}


def test_numbers_inside_date_spans_are_excluded() -> None:
    sentence = "On 11 February 2017 two people were killed."
    start = sentence.index("11")
    assert counts(sentence) == {"killed": 2}
    assert find_casualties(sentence, exclude=[(start, start + 16)])[0].best == 2


def test_parse_number() -> None:
    assert [parse_number(w) for w in ("eleven", "forty-two", "a dozen", "7", "many")] == [
        11, 42, 12, 7, None,
    ]  # fmt: skip


def test_a_coordinated_subject_is_summed_with_its_evidence() -> None:
    [c] = find_casualties("Two soldiers and three civilians were killed near the town.")
    assert (c.kind, c.best, c.text, c.rule) == (
        "killed",
        5,
        "Two soldiers and three",
        "subject-verb:sum",
    )
    # A finished clause before "and" is not a conjunct: its count stays apart.
    found = find_casualties("Three soldiers were killed and 11 others wounded.")
    assert [(c.kind, c.best) for c in found] == [("killed", 3), ("injured", 11)]


class _SliceCounter(str):
    """A sentence that counts the characters copied by slicing it."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        part = str.__getitem__(self, key)
        _SliceCounter.copied += len(part)
        return part


def test_a_long_run_on_sentence_is_read_in_linear_work() -> None:
    # Issue 15: every number-like token ("a", "an" included) copied and searched the whole
    # prefix, so one 229 kB sentence took 94 s. Now each looks a bounded window either side.
    unit = "shelling hit a town and an army post killing 3 people and "
    work = {}
    for n in (1000, 2000):
        _SliceCounter.copied = 0
        found = find_casualties(_SliceCounter(unit * n))
        assert len(found) == n and all(c.best == 3 for c in found)
        work[n] = _SliceCounter.copied
    assert work[2000] <= 2.1 * work[1000]  # twice the text, twice the work (it was 4x)


def test_counts_far_into_a_long_sentence_keep_their_cues() -> None:
    sentence = "word " * 5000 + "two soldiers and three civilians were killed"
    assert [(c.kind, c.best) for c in find_casualties(sentence)] == [("killed", 5)]


def test_a_figure_above_the_cap_is_not_a_toll() -> None:
    # Issue 15: "killing 99999999999999999999" became a count SQLite could not store, and a
    # figure of 5,000 digits made int() raise, failing the article.
    refused: list[str] = []
    found = find_casualties(
        f"killing {MAX_COUNT + 1} people, wounding {'9' * 5000} and 3 others hurt",
        refused=refused,
    )
    assert [(c.kind, c.best) for c in found] == [("injured", 3)]
    assert refused == [str(MAX_COUNT + 1), "9" * 5000]
    assert [c.best for c in find_casualties(f"killing {MAX_COUNT:,} people")] == [MAX_COUNT]
