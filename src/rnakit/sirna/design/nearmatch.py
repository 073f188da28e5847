"""Near-perfect matches of 19-mers in rnakit's sorted 19-mer index, compiled with numba.

A match with at most 2 mismatches has at most 1 in the first 10 nt (the code's high 20 bits) or
exactly 2 there and none in the last 9. So each query scans the 31 buckets of 19-mers whose first
10 nt equal its own or differ at one base (a directory over the sorted codes gives each bucket,
≈ 50 entries on a 50 Mnt transcriptome), and looks up by binary search, inside the 405 buckets
whose first 10 nt differ at two bases, its own last 9 nt. About 20× fewer random memory reads than
looking up each of the 1,597 variants of ≤ 2 substitutions in the whole array; the same matches.

Those 405 binary searches are three quarters of a query's time (random reads). A batch of records (many
queries) can instead use a second table, the distinct 19-mers by their last 9 nt (:func:`suffix_table`:
4 bytes per 19-mer, built once per process in about a second): the 2-mismatch-in-the-first-10-nt case is
then one sequential scan of the query's last-9-nt bucket (≈ 190 entries on 50 Mnt) for first-10-nt
codes exactly 2 bases away, and a binary search only for those found. The same matches, about 3× faster.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PREFIX_NT = 10
SUFFIX_BITS = 2 * (19 - PREFIX_NT)
NO_SUFFIX_TABLE = (np.zeros(0, np.int64), np.zeros(0, np.uint32))  # search without it


def prefix_offsets(codes: np.ndarray) -> np.ndarray:
    """Where each first-10-nt bucket of the sorted 19-mer ``codes`` starts (``4**10 + 1`` offsets)."""
    bounds = np.arange(4**PREFIX_NT + 1, dtype=np.uint64) << np.uint64(SUFFIX_BITS)
    bounds[-1] = np.iinfo(np.uint64).max
    offsets = np.searchsorted(codes, bounds).astype(np.int64)
    offsets[-1] = len(codes)
    return offsets


def suffix_table(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct sorted 19-mer ``codes`` by their last 9 nt: ``(offsets, prefixes)``, the first-10-nt
    codes (uint32, ascending) of those ending in 9-mer ``s`` being ``prefixes[offsets[s]:offsets[s + 1]]``."""
    counts = _suffix_counts(codes)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    prefixes = np.empty(offsets[-1], np.uint32)
    _fill_by_suffix(codes, offsets, prefixes)
    return offsets, prefixes


@njit(cache=True)
def _suffix_counts(codes):  # pragma: no cover - compiled
    counts = np.zeros(4 ** (19 - PREFIX_NT), np.int64)
    mask = np.uint64((1 << SUFFIX_BITS) - 1)
    for i in range(len(codes)):
        if i == 0 or codes[i] != codes[i - 1]:  # a 19-mer of several transcripts once
            counts[codes[i] & mask] += 1
    return counts


@njit(cache=True)
def _fill_by_suffix(codes, offsets, prefixes):  # pragma: no cover - compiled
    # a counting sort: codes ascend, so each bucket's prefixes are written in ascending order
    mask, shift = np.uint64((1 << SUFFIX_BITS) - 1), np.uint64(SUFFIX_BITS)
    fill = offsets[:-1].copy()
    for i in range(len(codes)):
        if i == 0 or codes[i] != codes[i - 1]:
            bucket = codes[i] & mask
            prefixes[fill[bucket]] = np.uint32(codes[i] >> shift)
            fill[bucket] += 1


@njit(cache=True, inline="always")
def _mismatches(x: np.uint64) -> int:
    """Bases that differ in the XOR of two 2-bit codes."""
    x = (x | (x >> np.uint64(1))) & np.uint64(0x5555555555555555)
    count = 0
    while x:
        x &= x - np.uint64(1)
        count += 1
    return count


@njit(cache=True)
def _add_exact(qi, wanted, codes, owners, offsets, out_query, out_tx, out_mismatches, n):  # pragma: no cover - compiled
    """Append a row (2 mismatches) per transcript holding 19-mer ``wanted`` (binary search in its first-10-nt
    bucket) after the ``n`` rows so far; the new row count, or -1 when the output is full."""
    bucket = wanted >> np.uint64(SUFFIX_BITS)
    lo, hi = offsets[bucket], offsets[bucket + np.uint64(1)]
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if codes[mid] < wanted:
            lo = mid + 1
        else:
            hi = mid
    while lo < end and codes[lo] == wanted:
        if n == len(out_query):
            return -1
        out_query[n], out_tx[n], out_mismatches[n] = qi, owners[lo], 2
        n += 1
        lo += 1
    return n


@njit(cache=True)
def _search(queries, codes, owners, offsets, by_suffix, suffix_prefixes,
            out_query, out_tx, out_mismatches):  # pragma: no cover - compiled
    shift = np.uint64(SUFFIX_BITS)
    suffix_mask = np.uint64((1 << SUFFIX_BITS) - 1)
    n = 0
    capacity = len(out_query)
    use_table = len(by_suffix) > 0
    for qi in range(len(queries)):
        query = queries[qi]
        prefix = query >> shift
        suffix = query & suffix_mask
        if use_table:
            # 2 mismatches in the first 10 nt, the last 9 nt exact: the prefixes 2 bases away in the
            # query's suffix bucket, then each one's rows (one per transcript) in the main array
            for k in range(by_suffix[suffix], by_suffix[suffix + np.uint64(1)]):
                other = np.uint64(suffix_prefixes[k])
                if _mismatches(other ^ prefix) != 2:
                    continue
                n = _add_exact(qi, (other << shift) | suffix, codes, owners, offsets, out_query, out_tx, out_mismatches, n)
                if n < 0:
                    return -1
        for first in range(-1, PREFIX_NT):
            for d1 in range(1, 4):
                if first < 0 and d1 > 1:
                    break
                one = prefix if first < 0 else prefix ^ (np.uint64(d1) << np.uint64(2 * first))
                # ≤ 1 mismatch in the first 10 nt: scan the bucket, count the mismatches of each entry
                for j in range(offsets[one], offsets[one + np.uint64(1)]):
                    m = _mismatches(codes[j] ^ query)
                    if m <= 2:
                        if n == capacity:
                            return -1
                        out_query[n], out_tx[n], out_mismatches[n] = qi, owners[j], m
                        n += 1
                if first < 0 or use_table:
                    continue
                # 2 mismatches in the first 10 nt (the second after the first): the last 9 nt exact
                for second in range(first + 1, PREFIX_NT):
                    for d2 in range(1, 4):
                        two = one ^ (np.uint64(d2) << np.uint64(2 * second))
                        n = _add_exact(qi, (two << shift) | suffix, codes, owners, offsets,
                                       out_query, out_tx, out_mismatches, n)
                        if n < 0:
                            return -1
    return n


def near_matches(queries: np.ndarray, codes: np.ndarray, owners: np.ndarray, offsets: np.ndarray,
                 by_suffix: tuple[np.ndarray, np.ndarray] = NO_SUFFIX_TABLE,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (query, transcript, mismatches) row of a 19-mer of ``codes`` (sorted; ``owners`` their
    transcripts; ``offsets`` from :func:`prefix_offsets`) within 2 mismatches of a ``queries`` code,
    faster with ``by_suffix`` (:func:`suffix_table` of ``codes``): the same rows, in another order."""
    capacity = max(1024, 4 * len(queries))
    while True:
        out = np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int64)
        n = _search(queries.astype(np.uint64), codes, owners, offsets, *by_suffix, *out)
        if n >= 0:
            return out[0][:n], out[1][:n], out[2][:n]
        capacity *= 4  # more matches than room (repeats): again with more
