"""Where each row's guide binds: its target site in the transcript, else in the context window."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.strands import SITE_END, SITE_START, SiteMatch, locate_site

SITE_LENGTH = 19
SEED = (2, 8)  # the guide's seed, 1-based inclusive
FLANK = 4  # nt on each side of the site given to duplexfold (room for the guide's 3' overhang)

# Shared by the feature groups of one process: each (guide, target) is searched once.
_locate = functools.lru_cache(maxsize=262144)(locate_site)
#: From this length on, a transcript's exact sites are looked up in a table of its k-mers (built once)
#: instead of scanning it for each row: a design's rows all search one long transcript.
INDEXED_LENGTH = 2000


@functools.lru_cache(maxsize=4)
def _first_starts(sequence: str, k: int) -> dict[str, int]:
    """Each k-mer of ``sequence`` → its first 0-based start (``str.find``'s answer)."""
    starts: dict[str, int] = {}
    for i in range(len(sequence) - k, -1, -1):  # backwards, so the first occurrence is the one kept
        starts[sequence[i : i + k]] = i
    return starts


def _located(guide: str, sequence: str) -> SiteMatch:
    """:func:`rnakit.sirna.strands.locate_site`, an exact site of a long sequence found by table look-up."""
    if len(sequence) >= INDEXED_LENGTH and len(guide) >= SITE_END:
        position = _first_starts(sequence, SITE_END - SITE_START).get(reverse_complement_rna(guide[SITE_START:SITE_END]))
        if position is not None:
            return SiteMatch("exact", position, 0)
    return _locate(guide, sequence)


#: The last table's inputs and answer: the feature groups of a design (thermo's site regions, target)
#: each locate the rows of one table. One tuple, so that a thread reads a matching pair.
_last: tuple[tuple, pd.DataFrame] | None = None


def locate_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Per row: ``reference`` ('transcript', 'context' or None), ``status``, 0-based ``position``
    and ``mismatches``.

    The transcript is used when present, else the context window. Rows whose site is not found
    (status absent or swapped) keep position and mismatches NaN.
    """
    global _last
    inputs = tuple(tuple(table[column].tolist()) for column in ("guide", "transcript", "context"))
    last = _last
    if last is not None and last[0] == inputs:  # the same strings (mostly the same objects: quick to compare)
        return last[1].set_axis(table.index)
    located = _locate_all(*inputs).set_axis(table.index)
    _last = (inputs, located)
    return located


def _locate_all(guides: tuple, transcripts: tuple, contexts: tuple) -> pd.DataFrame:
    references, statuses, positions, mismatches = [], [], [], []
    for guide, transcript, context in zip(guides, transcripts, contexts):
        sequence, where = (transcript, "transcript") if isinstance(transcript, str) else (context, "context")
        if not isinstance(sequence, str) or not isinstance(guide, str):
            references.append(None)
            statuses.append(None)
            positions.append(np.nan)
            mismatches.append(np.nan)
            continue
        match = _located(guide, sequence)
        references.append(where)
        statuses.append(match.status)
        positions.append(np.nan if match.position is None else float(match.position))
        mismatches.append(np.nan if match.mismatches is None else float(match.mismatches))
    return pd.DataFrame({"reference": references, "status": statuses, "position": positions, "mismatches": mismatches})


def target_sequences(table: pd.DataFrame) -> pd.Series:
    """The sequence each row's site was searched in (transcript, else context), or None."""
    return table["transcript"].where(table["transcript"].notna(), table["context"])


def site_regions(table: pd.DataFrame) -> pd.Series:
    """The target stretch facing the guide (site ± FLANK nt), or NaN where no site is known."""
    sites = locate_rows(table)
    references = target_sequences(table)
    regions = [
        ref[max(0, int(pos) - FLANK) : int(pos) + SITE_LENGTH + FLANK] if pos == pos else np.nan  # pos == pos: not NaN
        for ref, pos in zip(references.tolist(), sites["position"].tolist())
    ]
    return pd.Series(regions, index=table.index, dtype="object")
