"""Gene groups, so that isoforms (and copies) of one gene never straddle a train/test split.

Two records are joined when their FASTA headers name the same gene (Ensembl ``ENSG…`` id, gene
symbol) or when they share an exact long k-mer on the same strand (isoforms share exons, and the
same transcript often appears in several data sets under different ids). The groups are the
connected components of those links (what a union–find over the links gives).

To stay fast on tens of thousands of transcripts only a hash-sampled subset of the k-mers is
compared: two records sharing ~100 nt share ~70 32-mers, and at 1-in-8 sampling they then share a
sampled one with probability 1 − (7/8)^70 ≈ 0.9999.

Transposon copies (Alu, L1) and poly-A tails also give exact 32-mer matches between unrelated
genes, and through them nearly half of the human training transcripts chained into one component.
So a k-mer held by more than ``max_records_per_kmer`` records is ignored, and a pair is linked only
when its shared k-mers are a real part (``min_fraction``) of the shorter sequence, as for isoforms
sharing exons — not a few matches inside one repeat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from rnakit.lncrna.hexamer import PackedRna
from rnakit.seq.headers import parse_gene

_ENSEMBL_GENE = re.compile(r"\b(ENS[A-Z]*G\d{6,})(?:\.\d+)?\b")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing constant: spreads k-mer codes over 64 bits


def gene_keys(header: str) -> list[str]:
    """The gene identities a FASTA header names: ``ensembl:ENSG…`` (version dropped) and
    ``symbol:NAME`` (upper-cased, so human/mouse orthologue symbols meet)."""
    keys = [f"ensembl:{match}" for match in _ENSEMBL_GENE.findall(header)]
    symbol = parse_gene(header)
    if symbol:
        keys.append(f"symbol:{symbol.upper()}")
    return list(dict.fromkeys(keys))


def _header_links(headers: Sequence[str]) -> tuple[list[int], list[int]]:
    """Links from each record to the first record naming the same gene."""
    first_with: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for index, header in enumerate(headers):
        for key in gene_keys(header):
            rows.append(index)
            cols.append(first_with.setdefault(key, index))
    return rows, cols


def _sampled_kmers(packed: PackedRna, k: int, sampling: int) -> tuple[np.ndarray, np.ndarray]:
    """(k-mer code, record) of the k-mers whose hash falls in the 1-in-``sampling`` sample."""
    kmers: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for first, batch in packed.batches():
        values, valid = batch.kmer_codes(k)
        mixed = values * _MIX
        mixed ^= mixed >> np.uint64(29)
        keep = valid & (mixed % np.uint64(sampling) == 0)
        kmers.append(values[keep].astype(np.uint64))
        owners.append(batch.record_of_position()[keep] + first)
    return np.concatenate(kmers), np.concatenate(owners)


def _pairs_within_runs(owners: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Every pair ``(a, b)``, a < b, of records inside each run ``owners[start:start + size]``."""
    pairs = [np.zeros((0, 2), dtype=np.int64)]
    for size in np.unique(sizes):
        members = owners[starts[sizes == size][:, None] + np.arange(size)]
        first, second = np.triu_indices(size, 1)
        pairs.append(np.stack([members[:, first].ravel(), members[:, second].ravel()], axis=1))
    return np.concatenate(pairs)


def _kmer_links(
    packed: PackedRna, k: int, sampling: int, max_records_per_kmer: int, min_shared: int, min_fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records that share enough sampled k-mers (each held by few enough records)."""
    kmers, owners = _sampled_kmers(packed, k, sampling)
    order = np.lexsort((owners, kmers))
    kmers, owners = kmers[order], owners[order]
    distinct = np.ones(len(kmers), dtype=bool)
    distinct[1:] = (kmers[1:] != kmers[:-1]) | (owners[1:] != owners[:-1])
    kmers, owners = kmers[distinct], owners[distinct]
    per_record = np.bincount(owners, minlength=len(packed))
    starts = np.flatnonzero(np.r_[True, kmers[1:] != kmers[:-1]])
    sizes = np.diff(np.r_[starts, len(kmers)])
    shared_by_few = (sizes > 1) & (sizes <= max_records_per_kmer)
    pairs = _pairs_within_runs(owners, starts[shared_by_few], sizes[shared_by_few])
    if len(pairs) == 0:
        return pairs[:, 0], pairs[:, 1]
    pairs, shared = np.unique(pairs, axis=0, return_counts=True)
    smaller = np.minimum(per_record[pairs[:, 0]], per_record[pairs[:, 1]])
    linked = (shared >= min_shared) & (shared >= min_fraction * smaller)
    return pairs[linked, 0], pairs[linked, 1]


def gene_groups(
    records: Sequence[tuple[str, str]],
    *,
    k: int = 32,
    sampling: int = 8,
    max_records_per_kmer: int = 50,
    min_shared: int = 2,
    min_fraction: float = 0.2,
) -> np.ndarray:
    """Group label (0, 1, … in order of first appearance) of each ``(header, sequence)`` record.

    Two sequences are linked when they share at least ``min_shared`` sampled k-mers and these are
    at least ``min_fraction`` of the sampled k-mers of the shorter one. ``sequence`` may be DNA or
    RNA in any case; letters other than ACGT/U break k-mers.
    """
    if not 1 <= k <= 32:
        raise ValueError(f"k must be in 1..32, got {k}")
    if sampling < 1 or max_records_per_kmer < 2 or min_shared < 1 or not 0 <= min_fraction <= 1:
        raise ValueError("need sampling ≥ 1, max_records_per_kmer ≥ 2, min_shared ≥ 1, 0 ≤ min_fraction ≤ 1")
    n = len(records)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    header_rows, header_cols = _header_links([header for header, _ in records])
    packed = PackedRna.from_sequences(seq for _, seq in records)
    kmer_rows, kmer_cols = _kmer_links(packed, k, sampling, max_records_per_kmer, min_shared, min_fraction)
    rows = np.concatenate([np.asarray(header_rows, dtype=np.int64), kmer_rows])
    cols = np.concatenate([np.asarray(header_cols, dtype=np.int64), kmer_cols])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Renumber by first appearance so the labels do not depend on scipy's numbering.
    _, first_seen, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return np.argsort(np.argsort(first_seen))[inverse]
