"""Seed-site typing against sites built by hand from human let-7a and miR-1.

Site strings are written out by hand (5'→3' on the target): the target nucleotide facing m8 comes
first, the one facing m2 is just 5' of t1. let-7a m2–m8 = GAGGUAG, so its 7mer-m8 site is CUACCUC
and its 8mer CUACCUCA; miR-1 m2–m8 = GGAAUGU, 8mer ACAUUCCA.
"""

from __future__ import annotations

import dataclasses

import pytest

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.hit import Hit
from rnakit.hybrid.seeds import SEED_TYPES, SeedSite, find_seed_sites, seed_pairing, seed_type_at

LET7A = "UGAGGUAGUAGGUUGUAUAGUU"
MIR1 = "UGGAAUGUAAAGAAGUAUGUAU"
# Filler of only G and U: every seed core below contains a C, so the filler cannot hold a site,
# and its first letter (U) is a non-A t1 for sites that end just before it.
FILL = "UGUGGUUGUG"

# (miRNA, site, type, start, end): site planted at target index 10, t1 is then target index 17.
SINGLE_SITES = [
    (LET7A, "CUACCUCA", "8mer", 10, 18),
    (LET7A, "CUACCUC", "7mer-m8", 10, 17),  # t1 is filler U
    (LET7A, "GUACCUCA", "7mer-A1", 11, 18),  # G faces m8 (G): mismatch
    (LET7A, "GUACCUC", "6mer", 11, 17),
    (LET7A, "CUACCUG", "offset-6mer", 10, 16),  # G faces m2 (G): mismatch
    (MIR1, "ACAUUCCA", "8mer", 10, 18),
    (MIR1, "ACAUUCC", "7mer-m8", 10, 17),
    (MIR1, "CCAUUCCA", "7mer-A1", 11, 18),  # C faces m8 (U): mismatch
    (MIR1, "CCAUUCC", "6mer", 11, 17),
    (MIR1, "ACAUUCA", "offset-6mer", 10, 16),  # A faces m2 (G): mismatch
]


def test_seed_types_are_ranked_strongest_first():
    assert SEED_TYPES == ("8mer", "7mer-m8", "7mer-A1", "6mer", "offset-6mer")


def test_filler_holds_no_site():
    for mirna in (LET7A, MIR1):
        assert find_seed_sites(mirna, FILL * 5) == []


@pytest.mark.parametrize(("mirna", "site", "kind", "start", "end"), SINGLE_SITES)
def test_single_planted_site_has_its_type_and_anchor(mirna, site, kind, start, end):
    target = FILL + site + FILL
    assert seed_type_at(mirna, target, 17) == kind
    # No other anchor in the target is a site.
    assert [a for a in range(len(target)) if seed_type_at(mirna, target, a)] == [17]
    assert find_seed_sites(mirna, target) == [SeedSite(kind, 17, start, end)]


def test_dna_and_lower_case_are_normalised():
    assert seed_type_at(LET7A.lower().replace("u", "t"), FILL + "ctacctca" + FILL, 17) == "8mer"


@pytest.mark.parametrize(
    ("mirna", "site", "kind"),
    [
        (LET7A, "UUACCUCA", "7mer-A1"),  # m8 G faces U: wobble, 8mer → 7mer-A1
        (LET7A, "CUACCUUA", "offset-6mer"),  # m2 G faces U: 8mer → offset-6mer
        (LET7A, "CUACUUCA", None),  # m4 G faces U: breaks both 6-mer cores
        (MIR1, "GCAUUCCA", "7mer-A1"),  # m8 U faces G
        (MIR1, "AUAUUCCA", None),  # m7 G faces U
    ],
)
def test_gu_wobble_in_seed_demotes_the_type(mirna, site, kind):
    assert seed_type_at(mirna, FILL + site + FILL, 17) == kind


def test_sites_at_the_target_ends():
    # m8's partner would lie before the 5' end: only m2–m7 + A1 are there.
    assert seed_type_at(LET7A, "UACCUCA" + FILL, 6) == "7mer-A1"
    assert find_seed_sites(LET7A, "CUACCUCA" + FILL) == [SeedSite("8mer", 7, 0, 8)]
    assert find_seed_sites(LET7A, FILL + "CUACCUCA") == [SeedSite("8mer", 17, 10, 18)]
    # t1 would be past the 3' end: no anchor inside the target, so nothing is reported.
    assert find_seed_sites(LET7A, FILL + "CUACCUC") == []


def test_find_returns_exactly_the_planted_sites():
    # 10 filler + 8 (8mer: 10..17) + 10 + 7 (7mer-m8: 28..34, t1 35) + 10 + 8 (7mer-A1: 45..52)
    # + 10 + 7 (6mer: 63..69, t1 70) + 10 + 7 (offset-6mer: 80..86, t1 87) + 10 = 97 nt.
    target = FILL.join(["", "CUACCUCA", "CUACCUC", "GUACCUCA", "GUACCUC", "CUACCUG", ""])
    assert len(target) == 97
    assert find_seed_sites(LET7A, target) == [
        SeedSite("8mer", 17, 10, 18),
        SeedSite("7mer-m8", 35, 28, 35),
        SeedSite("7mer-A1", 52, 46, 53),
        SeedSite("6mer", 70, 64, 70),
        SeedSite("offset-6mer", 87, 80, 86),
    ]


def test_seed_site_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SeedSite("8mer", 17, 10, 18).anchor = 3


def _hit(target: str, pairs: tuple[tuple[int, int], ...]) -> Hit:
    return Hit("t", "let-7a", target, LET7A, -20.0, pairs)


# let-7a m8..m2 (query indices 7..1) facing target indices 10..16 of FILL + site + FILL.
SEED_HELIX = ((10, 7), (11, 6), (12, 5), (13, 4), (14, 3), (15, 2), (16, 1))


def test_pairing_of_a_perfect_seed_helix():
    # (9, 8): m9 U faces filler G, a G:U outside the seed that must not be counted.
    hit = _hit(FILL + "CUACCUCA" + FILL, ((9, 8),) + SEED_HELIX)
    assert seed_pairing(hit) == {"wc_pairs": 7, "gu_pairs": 0, "unpaired": 0,
                                 "contiguous": True, "anchor": 17, "type": "8mer"}


def test_pairing_with_m1_in_a_custom_seed_range():
    hit = _hit(FILL + "CUACCUCA" + FILL, SEED_HELIX + ((17, 0),))  # m1 U pairs t1 A
    assert seed_pairing(hit, seed=(1, 8))["wc_pairs"] == 8
    assert seed_pairing(hit, seed=(2, 7))["wc_pairs"] == 6


def test_pairing_with_one_gu():
    hit = _hit(FILL + "UUACCUCA" + FILL, SEED_HELIX)  # m8 G faces U
    assert seed_pairing(hit) == {"wc_pairs": 6, "gu_pairs": 1, "unpaired": 0,
                                 "contiguous": True, "anchor": 17, "type": "7mer-A1"}


def test_pairing_with_one_mismatch():
    target = FILL + "CUACAUCA" + FILL  # index 14 is A, facing m4 G
    expected = {"wc_pairs": 6, "gu_pairs": 0, "unpaired": 1,
                "contiguous": False, "anchor": 17, "type": None}
    internal_loop = tuple(p for p in SEED_HELIX if p != (14, 3))
    assert seed_pairing(_hit(target, internal_loop)) == expected
    assert seed_pairing(_hit(target, SEED_HELIX)) == expected  # claimed G·A pair is no pair


def test_pairing_with_a_target_bulge():
    # An extra A (index 14) between the partners of m5 and m4; t1 moves to index 18.
    pairs = ((10, 7), (11, 6), (12, 5), (13, 4), (15, 3), (16, 2), (17, 1))
    hit = _hit(FILL + "CUACACUCA" + FILL, pairs)
    assert seed_pairing(hit) == {"wc_pairs": 7, "gu_pairs": 0, "unpaired": 0,
                                 "contiguous": False, "anchor": 18, "type": None}


def test_anchor_inferred_when_m2_is_unpaired():
    hit = _hit(FILL + "CUACCUG" + FILL, SEED_HELIX[:-1])  # m3 pairs index 15 → t1 = 17
    assert seed_pairing(hit) == {"wc_pairs": 6, "gu_pairs": 0, "unpaired": 1,
                                 "contiguous": False, "anchor": 17, "type": "offset-6mer"}


def test_no_seed_pairs_gives_no_anchor():
    hit = _hit(FILL + "CUACCUCA" + FILL, ((0, 15), (1, 14)))
    assert seed_pairing(hit) == {"wc_pairs": 0, "gu_pairs": 0, "unpaired": 7,
                                 "contiguous": False, "anchor": None, "type": None}


@pytest.mark.parametrize("seed", [(0, 8), (8, 2), (2, 23)])
def test_bad_seed_range(seed):
    with pytest.raises(ValueRangeError, match="'seed'.*1 to 22"):
        seed_pairing(_hit(FILL + "CUACCUCA" + FILL, SEED_HELIX), seed=seed)


def test_bad_letters_name_field_and_position():
    target = FILL + "CUACCUCA" + FILL
    with pytest.raises(SequenceError) as info:
        seed_type_at(LET7A[:5] + "X" + LET7A[6:], target, 17)
    assert "'query'" in str(info.value) and "'X' at position 6" in str(info.value)
    bad_target = FILL + "CUANCUCA" + FILL
    for call in (lambda: seed_type_at(LET7A, bad_target, 17), lambda: find_seed_sites(LET7A, bad_target)):
        with pytest.raises(SequenceError) as info:
            call()
        assert "'target'" in str(info.value) and "'N' at position 14" in str(info.value)
    with pytest.raises(SequenceError, match="'target'.*'N' at position 14"):
        seed_pairing(_hit(bad_target, SEED_HELIX))


def test_query_too_short():
    with pytest.raises(SequenceError, match="'query'.*at least 8 nt, got 7"):
        find_seed_sites("UGAGGUA", FILL)


@pytest.mark.parametrize("anchor", [-1, 28])
def test_anchor_outside_target(anchor):
    target = FILL + "CUACCUCA" + FILL  # 28 nt: valid anchors 0..27
    with pytest.raises(ValueRangeError, match=r"'anchor'.*anchor -?\d+ is outside the target.*0 to 27"):
        seed_type_at(LET7A, target, anchor)
