"""Near-perfect matches of 19-mers in rnakit's sorted 19-mer index, compiled with numba.

A match with at most 2 mismatches has at most 1 in the first 10 nt (the code's high 20 bits) or
exactly 2 there and none in the last 9. So each query scans the 31 buckets of 19-mers whose first
10 nt equal its own or differ at one base (a directory over the sorted codes gives each bucket,
≈ 50 entries on a 50 Mnt transcriptome), and looks up by binary search, inside the 405 buckets
whose first 10 nt differ at two bases, its own last 9 nt. About 20× fewer random memory reads than
looking up each of the 1,597 variants of ≤ 2 substitutions in the whole array; the same matches.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PREFIX_NT = 10
SUFFIX_BITS = 2 * (19 - PREFIX_NT)


def prefix_offsets(codes: np.ndarray) -> np.ndarray:
    """Where each first-10-nt bucket of the sorted 19-mer ``codes`` starts (``4**10 + 1`` offsets)."""
    bounds = np.arange(4**PREFIX_NT + 1, dtype=np.uint64) << np.uint64(SUFFIX_BITS)
    bounds[-1] = np.iinfo(np.uint64).max
    offsets = np.searchsorted(codes, bounds).astype(np.int64)
    offsets[-1] = len(codes)
    return offsets


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
def _search(queries, codes, owners, offsets, out_query, out_tx, out_mismatches):  # pragma: no cover - compiled
    shift = np.uint64(SUFFIX_BITS)
    suffix_mask = np.uint64((1 << SUFFIX_BITS) - 1)
    n = 0
    capacity = len(out_query)
    for qi in range(len(queries)):
        query = queries[qi]
        prefix = query >> shift
        suffix = query & suffix_mask
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
                if first < 0:
                    continue
                # 2 mismatches in the first 10 nt (the second after the first): the last 9 nt exact
                for second in range(first + 1, PREFIX_NT):
                    for d2 in range(1, 4):
                        two = one ^ (np.uint64(d2) << np.uint64(2 * second))
                        wanted = (two << shift) | suffix
                        lo, hi = offsets[two], offsets[two + np.uint64(1)]
                        while lo < hi:
                            mid = (lo + hi) // 2
                            if codes[mid] < wanted:
                                lo = mid + 1
                            else:
                                hi = mid
                        while lo < offsets[two + np.uint64(1)] and codes[lo] == wanted:
                            if n == capacity:
                                return -1
                            out_query[n], out_tx[n], out_mismatches[n] = qi, owners[lo], 2
                            n += 1
                            lo += 1
    return n


def near_matches(queries: np.ndarray, codes: np.ndarray, owners: np.ndarray,
                 offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (query, transcript, mismatches) row of a 19-mer of ``codes`` (sorted; ``owners`` their
    transcripts; ``offsets`` from :func:`prefix_offsets`) within 2 mismatches of a ``queries`` code."""
    capacity = max(1024, 4 * len(queries))
    while True:
        out = np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity, np.int64)
        n = _search(queries.astype(np.uint64), codes, owners, offsets, *out)
        if n >= 0:
            return out[0][:n], out[1][:n], out[2][:n]
        capacity *= 4  # more matches than room (repeats): again with more
