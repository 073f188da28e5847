"""Off-target screen of siRNA strands against a transcriptome (siDirect 2 style).

Two kinds of unintended silencing are counted per strand (guide or passenger):

* **seed matches** — miRNA-like repression: transcripts whose 3'UTR (the whole transcript when
  the UTR is unknown) holds the reverse complement of strand positions 2–8;
* **near-perfect matches** — RNAi-like cleavage: transcripts holding the reverse complement of
  strand positions 2–20 (1–19 for a 19-mer) with 0, 1 or 2 mismatches, each transcript counted
  once at its best match.

The index is plain numpy (2-bit codes, A=0 C=1 G=2 U=3), cached as ``.npz`` + ``.json`` keyed by
the FASTA's sha256 so a transcriptome is encoded once; nothing is pickled. Near-perfect matches
are found in the sorted 19-mer array by :mod:`.nearmatch` (buckets of the first 10 nt, compiled
with numba): no alignment, no per-transcript loop; a batch of records adds a table by the last 9 nt
that makes it about 4× faster (:func:`with_sites_searched`). When bowtie 1 is installed (``--aligner auto``
on fewer than 8 records: :func:`rnakit.sirna.design.runner.run_aligner`), the near-perfect question goes to
it instead (:mod:`.bowtie`): the 19-mer arrays, about 12 bytes per
transcript nucleotide (600 MB for 50 Mnt), are then not loaded, at about 3.5× the CPU time per strand
(``benchmarks/design.py``). Both give the same counts (``tests/sirna/test_offtarget.py``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, MismatchError, SequenceError, ValueRangeError
from rnakit.files import atomic_write, cache_folder, read_cache_entry
from rnakit.seq.alphabet import first_invalid_letter, normalise_rna, reverse_complement_rna
from rnakit.seq.fasta import iter_fasta_records
from rnakit.seq.headers import parse_cds, parse_gene, parse_utr3
from rnakit.sirna.design.bowtie import (
    SiteHits,
    bowtie_available,
    bowtie_version,
    load_or_build_bowtie_index,
    search_sites,
    site_matches,
)

log = logging.getLogger(__name__)

SITE_LENGTH = 19
SEED_LENGTH = 7
MAX_MISMATCHES = 2
STRAND_LENGTHS = range(19, 24)
ALIGNERS = ("auto", "bowtie", "kmer")
Aligner = Literal["auto", "bowtie", "kmer"]
FORMAT_VERSION = f"rnakit-offtarget-index-1:k{SITE_LENGTH}:seed{SEED_LENGTH}"

_TRANSCRIPT_LETTERS = frozenset("ACGUN")
_DROP_VALID = str.maketrans("", "", "ACGUN")  # deletes every allowed letter: leftovers are bad
_DROP_ACGU = str.maketrans("", "", "ACGU")
_TX_BITS = 64 - 2 * SITE_LENGTH  # a transcript index is packed below a 38-bit 19-mer code
_TX_MASK = np.uint64((1 << _TX_BITS) - 1)
_CHUNK_NT = 4_000_000  # nucleotides encoded per batch while building: bounds temporary memory

# byte → 2-bit code; 4 marks a letter that is not ACGU (N, separators), i.e. "no k-mer here"
_LUT = np.full(256, 4, dtype=np.uint8)
for _code, _letter in enumerate("ACGU"):
    _LUT[ord(_letter)] = _code


def _seed_region(header: str, length: int, file: str, record: str) -> tuple[int, int, bool]:
    """0-based half-open 3'UTR span from ``UTR3:a-b`` or ``CDS:a-b`` (UTR = after the CDS end).

    Returns ``(0, length, False)`` when the header annotates neither: without a known UTR the
    whole transcript is searched for seed matches, which over- rather than under-counts.
    """
    for name, span in (("UTR3", parse_utr3(header)), ("CDS", parse_cds(header))):
        if span is None:
            continue
        start, end = span
        if not 1 <= start <= end <= length:
            raise InputFormatError(f"{name}:{start}-{end} lies outside the {length}-nt sequence", file=file, row=record)
        return (start - 1, end, True) if name == "UTR3" else (end, length, True)
    return 0, length, False


def _read_transcripts(path: str | os.PathLike[str]) -> Iterator[tuple[str, str, str]]:
    """Yield ``(id, header, RNA sequence)`` per record (errors as :func:`iter_fasta_records`).

    Letters other than ACGU/T/N raise SequenceError naming the record and 1-based position; N is
    allowed and simply yields no k-mers.
    """
    name = str(path)
    for record_id, title, sequence in iter_fasta_records(path):
        rna = normalise_rna(sequence)
        if rna.translate(_DROP_VALID):  # fast path: only scan letter by letter when needed
            bad = first_invalid_letter(rna, _TRANSCRIPT_LETTERS)
            assert bad is not None
            raise SequenceError(
                f"letter {rna[bad]!r} at position {bad + 1} is not a nucleotide (expected A, C, G, U, T or N)",
                file=name, row=record_id,
            )
        yield record_id, title, rna


# ----------------------------------------------------------------------------- index


@dataclass(frozen=True, eq=False)
class TranscriptomeIndex:
    """Everything the screen needs, as flat arrays (no sequences are kept).

    ``kmer_codes`` is the sorted 2-bit code of every distinct 19-mer of every transcript (forward
    strand: an siRNA strand pairs with the mRNA, never with its complement) and ``kmer_tx`` the
    transcript holding it; a 19-mer present in several transcripts appears once per transcript.
    The seed index is CSR: transcripts whose seed region holds 7-mer ``c`` are
    ``seed_tx[seed_offsets[c]:seed_offsets[c + 1]]``, ascending.
    """

    names: list[str]
    headers: list[str]
    genes: list[str | None]
    lengths: np.ndarray  # int32, per transcript
    seed_regions: np.ndarray  # int32 (n, 2): 0-based half-open 3'UTR span (whole transcript if unknown)
    utr_annotated: np.ndarray  # bool, per transcript: whether seed_regions came from the header
    kmer_codes: np.ndarray  # uint64, sorted
    kmer_tx: np.ndarray  # int32, parallel to kmer_codes
    seed_offsets: np.ndarray  # int64, 4**7 + 1
    seed_tx: np.ndarray  # int32
    bowtie_prefix: Path | None = None  # when set, near-perfect matches are searched with bowtie
    bowtie_threads: int | None = None  # bowtie's -p (None: up to 4 of the cores available)
    # Near-perfect matches already searched (a batch of records' strands, one bowtie call): see with_sites_searched
    known_sites: SiteHits | None = field(default=None, repr=False)
    # rnakit's search of a batch of records: the 19-mers by their last 9 nt (nearmatch.suffix_table), see with_sites_searched
    suffix_table: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def near_perfect_search(self) -> str:
        """Which engine answers the near-perfect-match question (for the design's provenance)."""
        return bowtie_version() if self.bowtie_prefix is not None else "rnakit 19-mer index"

    @property
    def n_transcripts(self) -> int:
        return len(self.names)

    def _arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _ARRAY_FIELDS}

    @cached_property
    def _prefix_offsets(self) -> np.ndarray:
        """Where each first-10-nt bucket of ``kmer_codes`` starts (rnakit's near-perfect search)."""
        from rnakit.sirna.design.nearmatch import prefix_offsets

        return prefix_offsets(self.kmer_codes)

    @cached_property
    def _by_suffix(self) -> tuple[np.ndarray, np.ndarray]:
        """:func:`~.nearmatch.suffix_table` of ``kmer_codes``, built once per index (a second and 4 bytes per
        19-mer on 50 Mnt): it makes the search of a batch of records about 4× faster."""
        from rnakit.sirna.design.nearmatch import suffix_table

        return suffix_table(self.kmer_codes)

    @cached_property
    def _lookup(self) -> dict[str, dict[str, list[int]]]:
        """Transcript ordinals by record id, by its first ``|`` field, by that without a ``.version`` and
        by casefolded gene: built once, so that each record's exclusion set costs lookups, not a pass
        over every transcript."""
        tables: dict[str, defaultdict[str, list[int]]] = {k: defaultdict(list) for k in ("name", "head", "bare", "gene")}
        for i, (name, gene) in enumerate(zip(self.names, self.genes)):
            head = name.split("|", 1)[0]
            tables["name"][name].append(i)
            if head != name:
                tables["head"][head].append(i)
            tables["bare"][head.split(".", 1)[0]].append(i)
            if gene:
                tables["gene"][gene.casefold()].append(i)
        return {key: dict(table) for key, table in tables.items()}


_ARRAY_FIELDS = (
    "lengths", "seed_regions", "utr_annotated", "kmer_codes", "kmer_tx", "seed_offsets", "seed_tx",
)


def _packed_kmers(pieces: list[str], tx_ids: list[int], k: int) -> np.ndarray:
    """Sorted distinct ``code << 26 | transcript`` keys of all ACGU-only k-mers of ``pieces``.

    The pieces are joined with an N between them, so no k-mer spans two transcripts; a k-mer
    touching any non-ACGU letter is dropped. Packing the transcript into the key lets one uint64
    sort order by code and de-duplicate repeats within a transcript at once.
    """
    if not pieces:
        return np.empty(0, dtype=np.uint64)
    text = "N".join(pieces)
    letters = _LUT[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    n_windows = len(letters) - k + 1
    if n_windows <= 0:
        return np.empty(0, dtype=np.uint64)
    bad = np.concatenate(([0], np.cumsum(letters > 3, dtype=np.int64)))
    valid = bad[k:] == bad[:n_windows]
    bits = (letters & 3).astype(np.uint64)
    codes = np.zeros(n_windows, dtype=np.uint64)
    two = np.uint64(2)
    for offset in range(k):
        codes <<= two
        codes |= bits[offset : offset + n_windows]
    lengths = np.fromiter((len(p) + 1 for p in pieces), dtype=np.int64, count=len(pieces))
    owner = np.repeat(np.asarray(tx_ids, dtype=np.uint64), lengths)[:n_windows]
    keys = (codes[valid] << np.uint64(_TX_BITS)) | owner[valid]
    keys.sort()  # sort + neighbour compare: ~10× faster than np.unique's hashing here
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def build_index(path: str | os.PathLike[str]) -> TranscriptomeIndex:
    """Encode a transcriptome FASTA (plain or .gz) into a :class:`TranscriptomeIndex`.

    Prefer :func:`load_or_build_index`, which caches the result: encoding a full human
    transcriptome takes on the order of ten seconds, loading it well under one.
    """
    file = str(path)
    names: list[str] = []
    headers: list[str] = []
    genes: list[str | None] = []
    lengths: list[int] = []
    regions: list[tuple[int, int]] = []
    annotated: list[bool] = []
    site_chunks: list[np.ndarray] = []
    seed_chunks: list[np.ndarray] = []
    batch_seqs: list[str] = []
    batch_utrs: list[str] = []
    batch_ids: list[int] = []
    batch_nt = 0

    def flush() -> None:
        nonlocal batch_nt
        site_chunks.append(_packed_kmers(batch_seqs, batch_ids, SITE_LENGTH))
        seed_chunks.append(_packed_kmers(batch_utrs, batch_ids, SEED_LENGTH))
        batch_seqs.clear()
        batch_utrs.clear()
        batch_ids.clear()
        batch_nt = 0

    for record_id, title, rna in _read_transcripts(path):
        start, end, has_utr = _seed_region(title, len(rna), file, record_id)
        index = len(names)
        if index >= 1 << _TX_BITS:
            raise ValueRangeError(f"more than {1 << _TX_BITS} transcripts", file=file)
        names.append(record_id)
        headers.append(title)
        genes.append(parse_gene(title))
        lengths.append(len(rna))
        regions.append((start, end))
        annotated.append(has_utr)
        batch_seqs.append(rna)
        batch_utrs.append(rna[start:end])
        batch_ids.append(index)
        batch_nt += len(rna)
        if batch_nt >= _CHUNK_NT:
            flush()
    flush()

    # chunks hold disjoint transcripts, so keys never repeat across them; a stable (merge) sort
    # of the already-sorted runs is cheap
    site_keys = np.concatenate(site_chunks)
    site_chunks.clear()
    site_keys.sort(kind="stable")  # in place: the full transcriptome's keys are ~400 MB
    kmer_tx = (site_keys & _TX_MASK).astype(np.int32)
    site_keys >>= np.uint64(_TX_BITS)  # in place: the keys become the codes
    seed_keys = np.concatenate(seed_chunks)
    seed_chunks.clear()
    seed_keys.sort(kind="stable")
    seed_tx = (seed_keys & _TX_MASK).astype(np.int32)
    seed_counts = np.bincount((seed_keys >> np.uint64(_TX_BITS)).astype(np.int64), minlength=4**SEED_LENGTH)
    seed_offsets = np.concatenate(([0], np.cumsum(seed_counts))).astype(np.int64)
    return TranscriptomeIndex(
        names=names,
        headers=headers,
        genes=genes,
        lengths=np.asarray(lengths, dtype=np.int32),
        seed_regions=np.asarray(regions, dtype=np.int32).reshape(-1, 2),
        utr_annotated=np.asarray(annotated, dtype=bool),
        kmer_codes=site_keys,
        kmer_tx=kmer_tx,
        seed_offsets=seed_offsets,
        seed_tx=seed_tx,
    )


def _file_digest(path: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes and the index format, so edits or a format change rebuild."""
    digest = hashlib.sha256(FORMAT_VERSION.encode() + b"\0")
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_index_dir() -> Path:
    """``<rnakit cache>/offtarget`` (:func:`rnakit.files.cache_folder`)."""
    return cache_folder("offtarget")


_SITE_FIELDS = ("kmer_codes", "kmer_tx")  # the 19-mer arrays: only rnakit's own near-perfect search reads them


def _no_sites() -> dict[str, np.ndarray]:
    """Empty 19-mer arrays (they are most of an index's memory), for when bowtie answers that question."""
    return {"kmer_codes": np.zeros(0, np.uint64), "kmer_tx": np.zeros(0, np.int32)}


def _read_cached(json_path: Path, npz_path: Path, digest: str, sites: bool = True) -> TranscriptomeIndex | None:
    """The cached index (without its 19-mer arrays unless ``sites``), or None when it is stale; raises
    when it is damaged."""
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT_VERSION or meta.get("sha256") != digest:
        return None
    with np.load(npz_path, allow_pickle=False) as data:  # members are read only when asked for
        arrays = {name: data[name] for name in _ARRAY_FIELDS if sites or name not in _SITE_FIELDS}
    if not sites:
        arrays |= _no_sites()
    n = len(meta["names"])
    if not (len(meta["headers"]) == len(meta["genes"]) == n == len(arrays["lengths"])
            and len(arrays["kmer_codes"]) == len(arrays["kmer_tx"])
            and len(arrays["seed_offsets"]) == 4**SEED_LENGTH + 1):
        return None
    return TranscriptomeIndex(names=meta["names"], headers=meta["headers"], genes=meta["genes"], **arrays)


def load_or_build_index(
    path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None, aligner: Aligner = "auto",
    sites: bool = True,
) -> TranscriptomeIndex:
    """The index of ``path``, from the cache when the file's bytes are unchanged, else built and cached.

    The cache is ``<sha256>.npz`` (arrays, read with ``allow_pickle=False``) plus ``<sha256>.json``
    (names, headers, genes), each written atomically; the json is written last, so its presence
    means the pair is complete. ``cache_dir`` defaults to :func:`default_index_dir`. ``aligner``
    picks the near-perfect-match engine: ``bowtie`` (its index cached in ``<sha256>.bowtie/``),
    ``kmer`` (rnakit's own 19-mer index: about 3.5× faster per strand, 12 bytes per transcriptome
    nucleotide more memory) or ``auto`` — bowtie when it is installed, the lean one in memory.
    Without ``sites`` the 19-mer arrays are never read from the cache (nor kept when just built): for a
    process that only makes sure the cache is current before its workers load it (0.9 GB less on 50 Mnt).
    """
    if aligner not in ALIGNERS:
        raise ValueRangeError(f"unknown aligner {aligner!r}; expected one of {', '.join(ALIGNERS)}", column="aligner")
    use_bowtie = aligner == "bowtie" or (aligner == "auto" and bowtie_available())
    if aligner == "bowtie" and not bowtie_available():
        raise ValueRangeError("bowtie and bowtie-build are not on PATH (install the 'bowtie' package)",
                              column="aligner")
    digest = _file_digest(path)
    directory = Path(cache_dir) if cache_dir is not None else default_index_dir()
    npz_path, json_path = directory / f"{digest}.npz", directory / f"{digest}.json"
    # With bowtie the 19-mer arrays are not loaded: about 1 GB less per process on a 50 Mnt transcriptome.
    keep_sites = sites and not use_bowtie
    index = read_cache_entry(json_path, lambda meta_path: _read_cached(meta_path, npz_path, digest, keep_sites))
    if index is not None:
        log.info("off-target index of %s loaded from %s", path, npz_path)
    else:
        index = build_index(path)
        with atomic_write(npz_path, "wb") as handle:
            np.savez(handle, **index._arrays())
        meta = {"format": FORMAT_VERSION, "sha256": digest, "source": str(path),
                "names": index.names, "headers": index.headers, "genes": index.genes}
        with atomic_write(json_path, "w", encoding="utf-8") as handle:
            json.dump(meta, handle)
        log.info("off-target index of %s built and cached in %s", path, npz_path)
        if not keep_sites:
            index = replace(index, **_no_sites())
    if not use_bowtie:
        return index
    sequences = (rna for _, _, rna in _read_transcripts(path))
    prefix = load_or_build_bowtie_index(sequences, directory / f"{digest}.bowtie")
    return replace(index, **_no_sites(), bowtie_prefix=prefix)


# ----------------------------------------------------------------------------- exclusion


def exclusion_set(
    index: TranscriptomeIndex,
    target_id: str | None,
    target_gene: str | None = None,
    same_gene_regex: str | None = None,
) -> set[int]:
    """Transcripts that are *meant* to be silenced, so they must not count as off-targets.

    The target transcript (``target_id`` matches a record id exactly, its first ``|`` field, or
    its id without a ``.version``), every transcript of the same gene (``target_gene`` and the
    target's own annotated gene, case-insensitive) and every transcript whose header matches
    ``same_gene_regex`` (e.g. paralogues the user also wants silenced). A ``target_id`` that is
    not in the index raises MismatchError: silently missing it would report the target itself as
    a perfect off-target for every candidate.
    """
    excluded: set[int] = set()
    genes: set[str] = set()
    if target_gene:
        genes.add(target_gene.casefold())
    if target_id:
        wanted, lookup = target_id.strip(), index._lookup
        # the same transcripts as: wanted in (name, head) or ("." not in wanted and head without version == wanted)
        excluded.update(lookup["name"].get(wanted, ()), lookup["head"].get(wanted, ()))
        if "." not in wanted:
            excluded.update(lookup["bare"].get(wanted, ()))
        if not excluded:
            raise MismatchError(f"target transcript {wanted!r} is not in the transcriptome index",
                                column="target_id")
        genes.update(index.genes[i].casefold() for i in excluded if index.genes[i])
    for gene in genes:
        excluded.update(index._lookup["gene"].get(gene, ()))
    if same_gene_regex:
        try:
            pattern = re.compile(same_gene_regex)
        except re.error as error:
            raise ValueRangeError(f"invalid regular expression {same_gene_regex!r}: {error}",
                                  column="same_gene_regex") from error
        excluded.update(i for i, header in enumerate(index.headers) if pattern.search(header))
    return excluded


# ----------------------------------------------------------------------------- query


def _encode(words: list[str], k: int) -> np.ndarray:
    """2-bit codes (uint64) of equal-length ACGU words, vectorised over the list."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    letters = _LUT[np.frombuffer("".join(words).encode("ascii"), dtype=np.uint8)].reshape(-1, k)
    codes = np.zeros(len(words), dtype=np.uint64)
    two = np.uint64(2)
    for column in range(k):
        codes <<= two
        codes |= letters[:, column].astype(np.uint64)
    return codes


def _check_strands(strands: Iterable[str]) -> list[str]:
    """Strands as RNA; SequenceError naming the row for a bad letter or a length outside 19–23."""
    given = [str(strand) for strand in strands]
    if not "".join(given).translate(_DROP_ACGU) and {len(strand) for strand in given} <= set(STRAND_LENGTHS):
        return given  # all upper-case ACGU of valid lengths (the usual case): nothing to normalise or scan
    checked = []
    for row, strand in enumerate(given, start=1):
        rna = normalise_rna(strand)
        bad = first_invalid_letter(rna)
        if bad is not None:
            raise SequenceError(f"letter {rna[bad]!r} at position {bad + 1} is not a nucleotide "
                                "(expected A, C, G, U or T)", row=row, column="strand")
        if len(rna) not in STRAND_LENGTHS:
            raise SequenceError(f"strand is {len(rna)} nt, expected 19–23", row=row, column="strand")
        checked.append(rna)
    return checked


def _sites(strands: list[str]) -> list[str]:
    """Where each strand (RNA, checked) pairs near-perfectly: the reverse complement of its positions 2–20
    (1–19 for a 19-mer)."""
    return _reverse_complements([s[1:20] if len(s) > SITE_LENGTH else s for s in strands])


def _reverse_complements(words: list[str]) -> list[str]:
    """The reverse complement of each of ``words`` (all of one length), in one pass over their concatenation
    (whose reverse complement holds them in reverse order)."""
    if not words:
        return []
    k, whole = len(words[0]), reverse_complement_rna("".join(words))
    return [whole[start : start + k] for start in range(len(whole) - k, -1, -k)]


def _best_match_counts(query: np.ndarray, tx: np.ndarray, mismatches: np.ndarray, excluded: np.ndarray,
                       n_queries: int) -> np.ndarray:
    """``(n_queries, 3)`` counts, per query, of non-excluded transcripts whose best match has 0, 1, 2
    mismatches, from match rows ``(query, tx, mismatches)`` (several rows per pair allowed)."""
    keep = ~excluded[tx]
    query, tx, mismatches = query[keep], tx[keep], mismatches[keep]
    # best match per (query, transcript): sort by pair then mismatches, keep each pair's first
    pair = query * len(excluded) + tx
    order = np.lexsort((mismatches, pair))
    pair, query, mismatches = pair[order], query[order], mismatches[order]
    first_of_pair = np.concatenate(([True], pair[1:] != pair[:-1])) if len(pair) else np.zeros(0, bool)
    tally = np.bincount(query[first_of_pair] * (MAX_MISMATCHES + 1) + mismatches[first_of_pair],
                        minlength=n_queries * (MAX_MISMATCHES + 1))
    return tally.reshape(n_queries, MAX_MISMATCHES + 1)


def _site_matches(index: TranscriptomeIndex, codes: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """``(len(codes), 3)`` counts of non-excluded transcripts whose best match has 0, 1, 2 mismatches."""
    if len(index.kmer_codes) == 0:
        return np.zeros((len(codes), MAX_MISMATCHES + 1), dtype=np.int64)
    from rnakit.sirna.design.nearmatch import near_matches  # numba: compiled when first needed

    matches = near_matches(codes, index.kmer_codes, index.kmer_tx, index._prefix_offsets,
                           *([index.suffix_table] if index.suffix_table is not None else []))
    return _best_match_counts(*matches, excluded, len(codes))


def _seed_matches(index: TranscriptomeIndex, codes: np.ndarray, excluded_ids: np.ndarray) -> np.ndarray:
    """Per seed code, the number of non-excluded transcripts whose seed region holds it."""
    offsets = index.seed_offsets
    totals = offsets[codes + 1] - offsets[codes]
    if len(excluded_ids) == 0 or len(index.seed_tx) == 0 or len(codes) == 0:
        return totals
    # subtract excluded transcripts found in each code's (ascending) CSR row: a binary search per
    # (distinct code, excluded transcript) pair, vectorised over all pairs
    unique, inverse = np.unique(codes, return_inverse=True)
    code = np.repeat(unique, len(excluded_ids))
    wanted = np.tile(excluded_ids, len(unique))
    lo, end = offsets[code].copy(), offsets[code + 1]
    hi = end.copy()
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        less = active & (index.seed_tx[np.where(active, mid, 0)] < wanted)
        lo = np.where(less, mid + 1, lo)
        hi = np.where(active & ~less, mid, hi)
    present = (lo < end) & (index.seed_tx[np.minimum(lo, len(index.seed_tx) - 1)] == wanted)
    removed = present.reshape(len(unique), len(excluded_ids)).sum(axis=1)
    return totals - removed[inverse]


def count_off_targets(
    index: TranscriptomeIndex,
    strands: Iterable[str],
    exclude: Collection[int] = frozenset(),
) -> pd.DataFrame:
    """Off-target counts for many strands at once (vectorised; batch them for speed).

    ``strands`` are guide or passenger sequences, RNA 5'→3', 19–23 nt. Returns one row per
    strand, in order: ``strand`` (as RNA), ``seed_matches`` (transcripts whose 3'UTR holds the
    complement of positions 2–8), ``mm0``/``mm1``/``mm2`` (transcripts whose best match to the
    complement of positions 2–20 — 1–19 for a 19-mer — has exactly 0/1/2 mismatches; 3 or more
    is not counted). Transcripts in ``exclude`` (see :func:`exclusion_set`) are never counted.
    """
    checked = _check_strands(strands)
    excluded_ids = np.unique(np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
    if len(excluded_ids) and (excluded_ids[0] < 0 or excluded_ids[-1] >= index.n_transcripts):
        raise ValueRangeError(f"excluded transcript index outside 0–{index.n_transcripts - 1}",
                              column="exclude")
    excluded = np.zeros(index.n_transcripts, dtype=bool)
    excluded[excluded_ids] = True
    sites = _sites(checked)
    seeds = _reverse_complements([s[1 : 1 + SEED_LENGTH] for s in checked])
    if index.bowtie_prefix is not None:
        matches = site_matches(index.bowtie_prefix, sites, index.bowtie_threads, index.known_sites)
        site_counts = _best_match_counts(*matches, excluded, len(sites))
    else:
        site_counts = _site_matches(index, _encode(sites, SITE_LENGTH), excluded)
    seed_counts = _seed_matches(index, _encode(seeds, SEED_LENGTH).astype(np.int64), excluded_ids)
    return pd.DataFrame({
        "strand": pd.Series(checked, dtype=object),
        "seed_matches": seed_counts.astype(np.int64),
        "mm0": site_counts[:, 0],
        "mm1": site_counts[:, 1],
        "mm2": site_counts[:, 2],
    })


def candidate_sites(sequence: str) -> Iterator[str]:
    """Every site a candidate strand of ``sequence`` (a target, RNA) can have, of any length and overhang:
    each ACGU 19-mer of the target (where its guides pair) and of its reverse complement (where its
    passengers, copies of the target, pair)."""
    for strand in (sequence, reverse_complement_rna(sequence)):
        for start in range(len(strand) - SITE_LENGTH + 1):
            window = strand[start : start + SITE_LENGTH]
            if not window.translate(_DROP_ACGU):
                yield window


def with_sites_searched(index: TranscriptomeIndex, targets: Iterable[str]) -> TranscriptomeIndex:
    """``index`` ready for the strands of a batch of records (``targets``: their RNA sequences); the
    counts are the same either way. With bowtie, it holds the near-perfect matches of every candidate
    strand of the targets, searched in one bowtie call, so that :func:`count_off_targets` reads them
    instead of starting bowtie (which reads its whole index) once per record; strands it was not given
    are still searched when asked for. With rnakit's own search, it holds the suffix table that makes
    that search about 4× faster (built once per ``index``: worth it for many records, not for one)."""
    if index.bowtie_prefix is None:
        if not len(index.kmer_codes):
            return index
        searched = replace(index, suffix_table=index._by_suffix)
        vars(searched)["_prefix_offsets"] = index._prefix_offsets  # likewise built once per index
    else:
        sites = itertools.chain.from_iterable(candidate_sites(target) for target in targets)
        searched = replace(index, known_sites=search_sites(index.bowtie_prefix, sites, index.bowtie_threads))
    vars(searched)["_lookup"] = index._lookup  # same transcripts: one exclusion lookup (built once) serves both
    return searched
