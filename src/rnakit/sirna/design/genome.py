"""Genome coordinates of transcript sites, from a GTF's exons (for sites.bed in a genome browser).

A transcript's exons, in transcript order (ascending on the + strand, descending on the − strand),
map each transcript position to the genome; a site that spans an exon junction becomes one BED12
line with a block per exon piece, which genome browsers draw joined by a thin line.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path

from rnakit.errors import InputFormatError

_TRANSCRIPT_ID = re.compile(r'transcript_id "([^"]+)"')


@dataclass(frozen=True)
class Exons:
    """One transcript's exons: chromosome, strand, and (start, end) 0-based half-open, in transcript order."""

    transcript: str
    chrom: str
    strand: str
    blocks: tuple[tuple[int, int], ...]

    @property
    def length(self) -> int:
        return sum(end - start for start, end in self.blocks)

    def to_genome(self, start: int, end: int) -> list[tuple[int, int]]:
        """The genome pieces (ascending, 0-based half-open) of transcript ``[start, end)`` (0-based)."""
        pieces, offset = [], 0
        for g_start, g_end in self.blocks:
            size = g_end - g_start
            low, high = max(start, offset), min(end, offset + size)
            if low < high:
                if self.strand == "+":
                    pieces.append((g_start + low - offset, g_start + high - offset))
                else:
                    pieces.append((g_end - (high - offset), g_end - (low - offset)))
            offset += size
        return sorted(pieces)


def read_gtf_exons(path: Path) -> dict[str, Exons]:
    """Every transcript's exons in a GTF (.gz allowed); a malformed exon line is an error naming its line."""
    stat = os.stat(path)
    return _read(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1)  # one GTF per process: many records' designs read it once
def _read(path: str, size: int, mtime: int) -> dict[str, Exons]:
    found: dict[str, tuple[str, str, list[tuple[int, int]]]] = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 9:
                raise InputFormatError(f"{len(fields)} tab-separated fields, a GTF line has 9", file=path, row=number)
            if fields[2] != "exon":
                continue
            transcript = _TRANSCRIPT_ID.search(fields[8])
            if transcript is None or fields[6] not in ("+", "-"):
                raise InputFormatError("an exon needs a transcript_id attribute and strand + or -", file=path, row=number)
            try:
                start, end = int(fields[3]) - 1, int(fields[4])
            except ValueError:
                raise InputFormatError(f"start/end {fields[3]!r}/{fields[4]!r} are not positions", file=path,
                                       row=number) from None
            chrom, strand, blocks = found.setdefault(transcript.group(1), (fields[0], fields[6], []))
            if (fields[0], fields[6]) != (chrom, strand):
                raise InputFormatError(f"transcript {transcript.group(1)} has exons on two chromosomes or strands",
                                       file=path, row=number)
            blocks.append((start, end))
    if not found:
        raise InputFormatError("no exon line with a transcript_id", file=path)
    return {name: Exons(name, chrom, strand, tuple(sorted(blocks, reverse=strand == "-")))
            for name, (chrom, strand, blocks) in found.items()}


def transcript_exons(path: Path, record: str, length: int) -> Exons | None:
    """The exons of the target ``record`` (by its id, or without a version suffix on either side when that
    is unique); None when the GTF has no such transcript. The exons must add up to the target's length."""
    exons = read_gtf_exons(path)
    chosen = exons.get(record)
    if chosen is None:
        bare = record.split(".")[0]
        matches = [e for name, e in exons.items() if name.split(".")[0] == bare]
        chosen = matches[0] if len(matches) == 1 else None
    if chosen is not None and chosen.length != length:
        raise InputFormatError(f"the exons of {chosen.transcript} add up to {chosen.length:,} nt but target {record} "
                               f"is {length:,} nt (another version of the transcript?)", file=str(path))
    return chosen


def bed12_line(exons: Exons, start: int, end: int, name: str, score: int) -> str:
    """BED12 of transcript ``[start, end)`` (0-based) on the genome, one block per exon piece."""
    pieces = exons.to_genome(start, end)
    low, high = pieces[0][0], pieces[-1][1]
    sizes = ",".join(str(b - a) for a, b in pieces)
    starts = ",".join(str(a - low) for a, _ in pieces)
    return (f"{exons.chrom}\t{low}\t{high}\t{name}\t{score}\t{exons.strand}\t{low}\t{high}\t0\t{len(pieces)}\t"
            f"{sizes},\t{starts},\n")
