"""Canonical miRNA/siRNA seed sites (TargetScan; Bartel 2009 Cell 136:215; Grimson 2007).

Seed pairing (query positions m2–m8) is what mostly decides whether a miRNA, or an siRNA acting
off-target, represses a transcript; the site types below rank that pairing by measured efficacy.
A site is anchored at ``t1``, the target nucleotide opposite m1: m2 faces ``anchor - 1``, m3
``anchor - 2`` … m8 ``anchor - 7``. Only Watson–Crick pairs count (G:U wobble does not).
"""

from __future__ import annotations

from dataclasses import dataclass

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.hit import Hit
from rnakit.seq.alphabet import RNA_LETTERS, first_invalid_letter, normalise_rna, reverse_complement_rna

SEED_TYPES = ("8mer", "7mer-m8", "7mer-A1", "6mer", "offset-6mer")  # strongest first
_PARTNER = {"A": "U", "C": "G", "G": "C", "U": "A"}
_MIN_QUERY = 8  # a seed site needs m1..m8


@dataclass(frozen=True)
class SeedSite:
    """One canonical site: its ``type``, the 0-based target ``anchor`` (t1) and its target span.

    ``start``/``end`` are the 0-based half-open target indices the site's matched nucleotides
    (and t1's A, for 8mer and 7mer-A1) cover, so a site can be cut out as ``target[start:end]``.
    """

    type: str
    anchor: int
    start: int
    end: int


def _rna(sequence: str, field: str, min_length: int = 0) -> str:
    """Normalise to ACGU; raise SequenceError naming ``field`` and the 1-based bad position."""
    rna = normalise_rna(sequence)
    if not set(rna) <= RNA_LETTERS:  # the set test is fast; only search when something is wrong
        bad = first_invalid_letter(rna)
        raise SequenceError(
            f"letter {rna[bad]!r} at position {bad + 1} is not a nucleotide (expected A, C, G, U or T)",
            column=field,
        )
    if len(rna) < min_length:
        raise SequenceError(f"a seed site needs at least {min_length} nt, got {len(rna)}", column=field)
    return rna


def _matches(query: str, target: str, anchor: int, position: int) -> bool:
    """Whether query position ``position`` (1-based) is Watson–Crick paired; off-target = no."""
    index = anchor - (position - 1)
    return 0 <= index < len(target) and target[index] == _PARTNER[query[position - 1]]


def _classify(query: str, target: str, anchor: int) -> str | None:
    match = {k: _matches(query, target, anchor, k) for k in range(2, 9)}
    a1 = target[anchor] == "A"
    if all(match[k] for k in range(2, 8)):
        if match[8]:
            return "8mer" if a1 else "7mer-m8"
        return "7mer-A1" if a1 else "6mer"
    if all(match[k] for k in range(3, 9)):
        return "offset-6mer"
    return None


def _span(kind: str, anchor: int) -> tuple[int, int]:
    start = anchor - 7 if kind in ("8mer", "7mer-m8", "offset-6mer") else anchor - 6
    end = {"8mer": anchor + 1, "7mer-A1": anchor + 1, "offset-6mer": anchor - 1}.get(kind, anchor)
    return start, end


def seed_type_at(query: str, target: str, anchor: int) -> str | None:
    """Canonical type of the site whose t1 is ``target[anchor]`` (0-based), or None.

    Seed positions that would fall before the target's 5' end count as unmatched, so a site cut
    by the end of the sequence is typed by what is actually there.
    """
    q, t = _rna(query, "query", _MIN_QUERY), _rna(target, "target")
    if not 0 <= anchor < len(t):
        raise ValueRangeError(
            f"anchor {anchor} is outside the target (0-based, 0 to {len(t) - 1})", column="anchor"
        )
    return _classify(q, t, anchor)


def _occurrences(text: str, word: str) -> list[int]:
    """Start of every (overlapping) occurrence of ``word`` in ``text``; str.find is C-fast."""
    found, index = [], text.find(word)
    while index != -1:
        found.append(index)
        index = text.find(word, index + 1)
    return found


def find_seed_sites(query: str, target: str) -> list[SeedSite]:
    """Every canonical site in ``target``, by anchor, each anchor once with its strongest type.

    Every site type contains either the m2–m7 or the m3–m8 6-mer, so searching the target for
    their complements finds all candidate anchors in linear time. A site whose t1 would lie past
    the target's 3' end is not reported (its anchor would be outside the target).
    """
    q, t = _rna(query, "query", _MIN_QUERY), _rna(target, "target")
    anchors = {p + 6 for p in _occurrences(t, reverse_complement_rna(q[1:7]))}
    anchors |= {p + 7 for p in _occurrences(t, reverse_complement_rna(q[2:8]))}
    sites = []
    for anchor in sorted(a for a in anchors if a < len(t)):
        kind = _classify(q, t, anchor)
        if kind is not None:
            sites.append(SeedSite(kind, anchor, *_span(kind, anchor)))
    return sites


def seed_pairing(hit: Hit, seed: tuple[int, int] = (2, 8)) -> dict:
    """Summarise how a hybridisation ``hit`` pairs the query's seed (1-based, inclusive ``seed``).

    Returns ``wc_pairs``, ``gu_pairs``, ``unpaired`` (seed positions without a WC or G:U partner:
    mismatches, bulges, or a non-canonical pair), ``contiguous`` (every seed position paired in
    one helix without target bulges), ``anchor`` (target index m1 faces, from m2's partner or
    else the nearest paired seed position; None when none is paired) and the canonical ``type``
    at that anchor — so a thermodynamic hit can be ranked the way seed rules predict.
    """
    q, t = _rna(hit.query, "query", _MIN_QUERY), _rna(hit.target, "target")
    lo, hi = seed
    if not 1 <= lo <= hi <= len(q):
        raise ValueRangeError(
            f"seed {seed} must be 1-based positions with start <= end within the query (1 to {len(q)})",
            column="seed",
        )
    partner = {q_index: t_index for t_index, q_index in hit.pairs}
    paired: dict[int, int] = {}
    wc = gu = 0
    for position in range(lo, hi + 1):
        t_index = partner.get(position - 1)
        if t_index is None or not 0 <= t_index < len(t):
            continue
        if t[t_index] == _PARTNER[q[position - 1]]:
            wc += 1
        elif t[t_index] + q[position - 1] in ("GU", "UG"):
            gu += 1
        else:
            continue
        paired[position] = t_index
    unpaired = hi - lo + 1 - len(paired)
    contiguous = unpaired == 0 and all(paired[k + 1] == paired[k] - 1 for k in range(lo, hi))
    anchor = kind = None
    if paired:
        nearest = min(paired, key=lambda k: (abs(k - 2), k))
        anchor = paired[nearest] + nearest - 1
        kind = _classify(q, t, anchor) if anchor < len(t) else None
    return {"wc_pairs": wc, "gu_pairs": gu, "unpaired": unpaired, "contiguous": contiguous,
            "anchor": anchor, "type": kind}
