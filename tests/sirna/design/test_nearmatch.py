"""rnakit's near-perfect search finds exactly the 19-mers within 2 mismatches, wherever the mismatches fall."""

from __future__ import annotations

import numpy as np

from rnakit.sirna.design.nearmatch import near_matches, prefix_offsets, suffix_table


def mismatches(a: int, b: int) -> int:
    return sum(((a ^ b) >> (2 * i)) & 3 != 0 for i in range(19))


def test_every_match_within_two_mismatches_is_found_once() -> None:
    rng = np.random.default_rng(5)
    queries = rng.integers(0, 4**19, 40, dtype=np.uint64)
    planted = []
    for q in queries.tolist():  # 0, 1 and 2 substitutions in each half, and 3 (no match)
        for positions in ([], [3], [15], [0, 9], [10, 18], [4, 12], [1, 2, 17], [18, 0]):
            variant = q
            for p in positions:
                variant ^= int(rng.integers(1, 4)) << (2 * p)
            planted.append(variant)
    codes = np.concatenate([rng.integers(0, 4**19, 5000, dtype=np.uint64), np.array(planted, dtype=np.uint64),
                            np.repeat(queries[:3], 300)])  # repeats: more matches than the first room holds
    order = np.argsort(codes, kind="stable")
    codes, owners = codes[order], order.astype(np.int32)  # the owner of each code: its place before sorting
    expected = sorted((qi, int(owner), m) for qi, q in enumerate(queries.tolist())
                      for code, owner in zip(codes.tolist(), owners) if (m := mismatches(q, code)) <= 2)
    assert {m for *_, m in expected} == {0, 1, 2} and len(expected) > 4 * len(queries)
    for table in ((), (suffix_table(codes),)):  # the batch search (by last 9 nt) finds the same rows
        found = near_matches(queries, codes, owners, prefix_offsets(codes), *table)
        assert sorted(zip(*(a.tolist() for a in found))) == expected


def test_suffix_table_lists_each_distinct_code_once_by_its_last_9_nt() -> None:
    rng = np.random.default_rng(2)
    codes = np.sort(np.concatenate([rng.integers(0, 4**19, 3000, dtype=np.uint64),
                                    rng.integers(0, 4**19, 50, dtype=np.uint64).repeat(3)]))  # shared by transcripts
    offsets, prefixes = suffix_table(codes)
    listed = [(s, int(p)) for s in range(4**9) for p in prefixes[offsets[s]:offsets[s + 1]]]
    assert listed == sorted({(int(c) & (4**9 - 1), int(c) >> 18) for c in codes})


def test_no_codes_and_no_queries() -> None:
    empty = np.zeros(0, dtype=np.uint64)
    codes = np.array([5, 9], dtype=np.uint64)
    assert all(len(a) == 0 for a in near_matches(empty, codes, np.arange(2, dtype=np.int32), prefix_offsets(codes)))
    assert all(len(a) == 0 for a in near_matches(codes, empty, np.zeros(0, np.int32), prefix_offsets(empty)))
    assert all(len(a) == 0 for a in near_matches(codes, empty, np.zeros(0, np.int32), prefix_offsets(empty),
                                                 suffix_table(empty)))
