"""The inner folds every model's post-hoc choices (shift, gate, blend, objective) are fitted on."""

from __future__ import annotations

import numpy as np

from rnakit.sirna.models.calibration import inner_folds


def test_groups_never_straddle_inner_folds_and_every_row_is_held_out_once() -> None:
    groups = np.repeat(np.array(["HAO1", "TTR", "F7", "APOC3", "PCSK9", "ANGPTL3"]), 7)
    folds = inner_folds(len(groups), groups, 3, random_state=0)
    assert len(folds) == 3
    held_out = np.concatenate([test for _, test in folds])
    assert sorted(held_out.tolist()) == list(range(len(groups)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])


def test_too_few_groups_fall_back_to_shuffled_rows(caplog) -> None:
    groups = np.array(["A"] * 10 + ["B"] * 10)  # two genes, three folds: cannot be grouped
    folds = inner_folds(len(groups), groups, 3, random_state=0, owner="lgbm-rank")
    assert len(folds) == 3 and "too few" in caplog.text and "lgbm-rank" in caplog.text
    # Same rows as no groups at all (seeded), so a tiny table behaves like an ungrouped one.
    ungrouped = inner_folds(len(groups), None, 3, random_state=0)
    assert [test.tolist() for _, test in folds] == [test.tolist() for _, test in ungrouped]
