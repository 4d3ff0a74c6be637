"""Index version names: their order is the order they were made in."""

from __future__ import annotations

from qa.index.layout import new_version_id


def test_version_ids_made_within_one_second_sort_in_the_order_they_were_made():
    ids = [new_version_id() for _ in range(200)]

    assert sorted(ids) == ids
    assert len(set(ids)) == len(ids)
    assert ids[0][:8].isdigit() and ids[0][8] == "T"
