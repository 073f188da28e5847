"""Genome coordinates of transcript sites, from a GTF's exons (for sites.bed in a genome browser).

The GTF is read by :func:`rnakit.lncrna.gtf.read_gtf`. A transcript's exons, taken 5'→3' on its
strand (descending on −), map each transcript position to the genome; a site that spans an exon
junction becomes one BED12 line with a block per exon piece, which browsers draw joined by a line.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import Transcript, read_gtf


def read_gtf_exons(path: Path) -> dict[str, Transcript]:
    """Every transcript of a GTF (.gz allowed), read once per process (many records' designs share it)."""
    stat = os.stat(path)
    return _read(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _read(path: str, size: int, mtime: int) -> dict[str, Transcript]:
    return read_gtf(path)


def transcript_exons(path: Path, record: str, length: int) -> Transcript | None:
    """The GTF transcript of the target ``record`` (its id, or the same without a version suffix on either
    side when that is unique); None when there is none. Its exons must add up to the target's length."""
    transcripts = read_gtf_exons(path)
    chosen = transcripts.get(record)
    if chosen is None:
        bare = record.split(".")[0]
        matches = [t for name, t in transcripts.items() if name.split(".")[0] == bare]
        chosen = matches[0] if len(matches) == 1 else None
    if chosen is not None and chosen.length != length:
        raise InputFormatError(f"the exons of {chosen.id} add up to {chosen.length:,} nt but target {record} "
                               f"is {length:,} nt (another version of the transcript?)", file=str(path))
    return chosen


def to_genome(transcript: Transcript, start: int, end: int) -> list[tuple[int, int]]:
    """The genome pieces (ascending, 0-based half-open) of transcript positions ``[start, end)`` (0-based)."""
    minus = transcript.strand == "-"
    pieces, offset = [], 0
    for first, last in reversed(transcript.exons) if minus else transcript.exons:  # 1-based, inclusive
        size = last - first + 1
        low, high = max(start, offset), min(end, offset + size)
        if low < high:
            pieces.append((last - (high - offset), last - (low - offset)) if minus else
                          (first - 1 + low - offset, first - 1 + high - offset))
        offset += size
    return sorted(pieces)


def bed12_line(transcript: Transcript, start: int, end: int, name: str, score: int) -> str:
    """BED12 of transcript positions ``[start, end)`` (0-based) on the genome, one block per exon piece."""
    pieces = to_genome(transcript, start, end)
    low, high = pieces[0][0], pieces[-1][1]
    sizes = ",".join(str(b - a) for a, b in pieces)
    starts = ",".join(str(a - low) for a, _ in pieces)
    return (f"{transcript.chrom}\t{low}\t{high}\t{name}\t{score}\t{transcript.strand}\t{low}\t{high}\t0\t"
            f"{len(pieces)}\t{sizes},\t{starts},\n")
