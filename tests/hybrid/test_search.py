"""Hybridisation search: hand-checked duplexes, exact agreement with ViennaRNA, RNAhybrid's options."""

from __future__ import annotations

import random
import re

import pytest
import RNA

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.duplex import _interior, loop_floor
from rnakit.hybrid.energy import MAXLOOP, turner2004
from rnakit.hybrid.search import DUPLEXFOLD_OPTIONS, SearchOptions, duplex_energies, duplex_energy, hybridise
from rnakit.seq.alphabet import reverse_complement_rna

LET7A = "UGAGGUAGUAGGUUGUAUAGUU"


def random_rna(n: int, rng: random.Random) -> str:
    return "".join(rng.choice("ACGU") for _ in range(n))


def duplexfold_pairs(target: str, query: str) -> tuple[tuple[int, int], ...]:
    """ViennaRNA's duplex as 0-based (target, query) pairs in duplex order.

    ``duplexfold`` reports the region ``target[..i] & query[j..]`` (1-based ``i``, ``j``, dangling
    neighbours included) with its dot-bracket; brackets pair outermost-first.
    """
    found = RNA.duplexfold(target, query)
    left, right = found.structure.split("&")
    opens = [found.i - len(left) + k for k, ch in enumerate(left) if ch == "("]
    closes = [found.j - 1 + k for k, ch in enumerate(right) if ch == ")"]
    return tuple(zip(opens, reversed(closes)))


@pytest.mark.parametrize("target, query, energy", [
    # 4.09 initiation + two GG/CC stacks of −3.26 (Turner 2004) = −2.4; ViennaRNA's rounded table
    # entries (410, −330, −330 dcal/mol) give −2.5
    ("GGG", "CCC", -2.5),
    # the same plus an A dangling 3' of the target's last G (Turner 2004: −1.1 on a GC pair)
    ("GGGA", "CCC", -3.6),
    # the same plus an A dangling 3' of the query, on the other end (−1.7 on a CG pair)
    ("GGG", "CCCA", -4.2),
])
def test_small_duplexes_by_hand(target, query, energy):
    (hit,) = hybridise(query, target)
    assert hit.energy == pytest.approx(energy)
    assert hit.pairs == ((0, 2), (1, 1), (2, 0))


def test_perfect_complement_of_let7a():
    site = reverse_complement_rna(LET7A)
    target = "AAAA" + site + "AAAA"
    (hit,) = hybridise(LET7A, target)
    assert hit.pairs == tuple((4 + k, len(LET7A) - 1 - k) for k in range(len(LET7A)))
    assert hit.energy == pytest.approx(RNA.duplexfold(target, LET7A).energy)


def test_equals_viennarna_duplexfold_on_random_pairs():
    rng = random.Random(7)
    for _ in range(300):
        query, target = random_rna(rng.randint(6, 25), rng), random_rna(rng.randint(6, 80), rng)
        expected = RNA.duplexfold(target, query).energy
        assert duplex_energy(query, target) == pytest.approx(expected, abs=1e-9), (query, target)
        assert RNA.duplexfold(query, target).energy == pytest.approx(expected, abs=1e-9)


def test_designed_guides_against_their_sites_equal_viennarna():
    # A designed guide pairs fully with its site, so one row's loops dominate and the programme skips the
    # rows that cannot beat them: the energies must still be duplexfold's, on random, AU-rich, GC-rich and
    # repetitive targets, with the overhang matching the target or not.
    rng = random.Random(5)
    guides, regions = [], []
    for letters in ("ACGU", "AAUUGC", "GGCCAU", "AU", "GC"):
        for _ in range(40):
            unit = "".join(rng.choice(letters) for _ in range(rng.choice([2, 3, 7, 40])))
            target = (unit * 40)[:60] if len(unit) < 40 else unit + "".join(rng.choice(letters) for _ in range(20))
            start = rng.randint(4, len(target) - 25)
            guide = reverse_complement_rna(target[start:start + 21])
            guides.append(guide if rng.random() < 0.5 else guide[:19] + "UU")
            regions.append(target[start - 4:start + 25])
    expected = [RNA.duplexfold(region, guide).energy for guide, region in zip(guides, regions)]
    assert duplex_energies(guides, regions).tolist() == pytest.approx(expected, abs=1e-9)


def test_loop_floor_is_below_every_loop():
    tables = turner2004()
    floor = loop_floor(tables)
    rng = random.Random(3)
    for n1 in range(MAXLOOP + 1):
        for n2 in range(MAXLOOP + 1 - n1):
            for _ in range(20):
                outer, inner = rng.randint(1, 6), rng.randint(1, 6)
                si1, sj1, sp1, sq1 = (rng.randint(1, 4) for _ in range(4))
                loop = _interior(n1, n2, outer, inner, si1, sj1, sp1, sq1, tables.stack, tables.bulge,
                                 tables.internal, tables.int11, tables.int21, tables.int22, tables.mismatch_interior,
                                 tables.mismatch_1n, tables.mismatch_23, tables.ninio, tables.terminal_au)
                assert loop >= floor[n1], (n1, n2)


def test_batch_equals_viennarna_pair_by_pair_whatever_the_spelling():
    # duplex_energies checks clean batches at once and others strand by strand: the same energies either
    # way, each ViennaRNA's duplexfold of the normalised pair (lowercase, T, blanks)
    rng = random.Random(11)
    queries = [random_rna(rng.randint(1, 25), rng) for _ in range(120)]
    targets = [random_rna(rng.randint(1, 40), rng) for _ in range(120)]
    expected = [RNA.duplexfold(t, q).energy for q, t in zip(queries, targets)]
    assert duplex_energies(queries, targets).tolist() == pytest.approx(expected, abs=1e-9)
    spelled = [t.lower() if k % 2 else t.replace("U", "T") for k, t in enumerate(targets)]
    expected = [RNA.duplexfold(t.upper().replace("T", "U"), q).energy for q, t in zip(queries, spelled)]
    assert duplex_energies([q + " " for q in queries], spelled).tolist() == pytest.approx(expected, abs=1e-9)
    assert duplex_energies([], []).tolist() == []


@pytest.mark.parametrize("queries, targets, message", [
    (["ACGU", "ACGX"], ["ACGU", "ACGU"], "record query: column 'query': letter 'X' at position 4"),
    (["ACGU", ""], ["ACGU", "ACGU"], "record query: column 'query': empty sequence"),
    (["ACGU", "A" * 1001], ["ACGU", "ACGU"], "1001 nt is longer than the 1,000 nt allowed"),
    (["ACGU"], ["ACGN-"], "record target: column 'target': letter '-' at position 5"),
])
def test_batch_names_the_bad_strand(queries, targets, message):
    with pytest.raises(SequenceError, match=re.escape(message)):
        duplex_energies(queries, targets)


def test_backtracked_pairs_match_viennarna():
    # the traceback checked against duplexfold's structure; two duplexes of equal energy may differ
    rng = random.Random(8)
    same = compared = 0
    for _ in range(300):
        query, target = random_rna(rng.randint(8, 22), rng), random_rna(rng.randint(10, 60), rng)
        hits = hybridise(query, target, DUPLEXFOLD_OPTIONS)
        if not hits:
            continue
        compared += 1
        same += hits[0].pairs == duplexfold_pairs(target, query)
    assert compared > 250 and same / compared > 0.95


def loops(hit):
    """(target-side, query-side) unpaired counts of every loop between consecutive pairs."""
    return [(t2 - t1 - 1, q1 - q2 - 1) for (t1, q1), (t2, q2) in zip(hit.pairs, hit.pairs[1:])]


def test_loop_limits_are_respected():
    rng = random.Random(9)
    options = SearchOptions(max_internal=2, max_bulge=1)
    seen_loops = 0
    for _ in range(200):
        query, target = random_rna(20, rng), random_rna(80, rng)
        for hit in hybridise(query, target, options):
            for n1, n2 in loops(hit):
                if n1 and n2:
                    assert n1 <= 2 and n2 <= 2
                    seen_loops += 1
                else:
                    assert n1 + n2 <= 1
    assert seen_loops > 0


def test_a_long_bulge_needs_a_large_enough_limit():
    site = reverse_complement_rna(LET7A)
    bulged = site[:10] + "AAAA" + site[10:]  # 4 extra target nt opposite the middle of the query
    target = "CC" + bulged + "CC"
    (wide,) = hybridise(LET7A, target, SearchOptions(max_bulge=4))
    assert (4, 0) in loops(wide)
    (narrow,) = hybridise(LET7A, target, SearchOptions(max_bulge=3))
    assert all(n1 + n2 <= 3 or (n1 and n2) for n1, n2 in loops(narrow))
    assert narrow.energy > wide.energy


def test_helix_constraint_moves_the_hit_to_a_perfect_seed():
    site = reverse_complement_rna(LET7A)
    # strong site: pairs along 3–22 but the target nucleotide opposite query position 5 is changed
    strong = site[:-5] + ("A" if site[-5] != "A" else "C") + site[-4:]
    # weak site: perfect seed (2–8) only
    weak = reverse_complement_rna(LET7A[1:8])
    filler = "A" * 30
    target = filler + strong + filler + weak + filler
    (free,) = hybridise(LET7A, target)
    assert free.target_first < len(filler) + len(strong)
    (seeded,) = hybridise(LET7A, target, SearchOptions(helix=(2, 8)))
    paired = dict((q, t) for t, q in seeded.pairs)
    assert all(q in paired for q in range(1, 8))
    assert all(paired[q] - paired[q + 1] == 1 for q in range(1, 7))  # one unbroken helix
    assert seeded.target_first > len(filler) + len(strong)  # on the weak site, past the strong one
    assert seeded.energy > free.energy


def test_several_hits_do_not_overlap_and_come_best_first():
    site = reverse_complement_rna(LET7A)
    seed_only = reverse_complement_rna(LET7A[:10])
    target = "A" * 20 + seed_only + "A" * 20 + site + "A" * 20
    hits = hybridise(LET7A, target, SearchOptions(hits=3))
    assert len(hits) == 3
    assert [h.energy for h in hits] == sorted(h.energy for h in hits)
    assert hits[0].target_first == 20 + len(seed_only) + 20
    spans = sorted((h.target_first, h.target_last) for h in hits)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
    assert hybridise(LET7A, target, SearchOptions(energy_cutoff=hits[0].energy - 0.1)) == []
    assert len(hybridise(LET7A, target, SearchOptions(hits=3, energy_cutoff=hits[1].energy))) == 2


def test_nothing_pairs():
    assert hybridise("AAAAAA", "AAAAAAAAAA") == []
    assert duplex_energy("AAAAAA", "AAAAAAAAAA") == 0.0


@pytest.mark.parametrize("query, target, options, message", [
    ("A" * 31, "ACGU", SearchOptions(), "record q: column 'query': 31 nt is longer than the 30 nt allowed"),
    ("ACGXU", "ACGU", SearchOptions(), "record q: column 'query': letter 'X' at position 4"),
    ("ACGU", "ACGNNZ", SearchOptions(), "record t: column 'target': letter 'Z' at position 6"),
    ("", "ACGU", SearchOptions(), "record q: column 'query': empty sequence"),
    ("ACGU", "ACGU", SearchOptions(helix=(2, 8)), "helix ends at 8 but the query is 4 nt"),
    ("ACGU", "ACGU", SearchOptions(max_bulge=31), "column 'max_bulge': 31 is outside 0–30"),
    ("ACGU", "ACGU", SearchOptions(hits=0), "column 'hits': 0 must be ≥ 1"),
])
def test_bad_input(query, target, options, message):
    with pytest.raises((SequenceError, ValueRangeError)) as caught:
        hybridise(query, target, options, query_id="q", target_id="t")
    assert message in str(caught.value)
