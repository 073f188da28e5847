"""Merging assembled transcripts with known lncRNAs: identical intron chains count once.

Two transcripts are the same when they lie on the same contig and strand with the same introns
(multi-exon), or with the same span (single-exon), as gffcompare's ``=`` for a known transcript.
The known transcript represents the group (its id and lines are kept); the others' ids are recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import Transcript

ASSEMBLED, KNOWN = "assembled", "known"


@dataclass(frozen=True)
class Candidate:
    """A transcript to filter, where it came from, and the ids of identical transcripts merged into it."""

    transcript: Transcript
    source: str
    merged_ids: tuple[str, ...] = ()


def intron_chain(transcript: Transcript) -> tuple:
    """The identity of a transcript's structure: contig, strand, then its introns (or its span)."""
    structure = transcript.introns or ((transcript.start, transcript.end),)
    return (transcript.chrom, transcript.strand, len(transcript.exons) > 1, structure)


def merge_transcripts(
    assembled: Mapping[str, Transcript], known: Mapping[str, Transcript] | None = None,
    *, files: tuple[str | None, str | None] = (None, None),
) -> list[Candidate]:
    """Known lncRNAs and assembled transcripts, deduplicated by intron chain, sorted by position.

    Within a group of identical chains a known transcript is kept over an assembled one, else the
    first in file order. An id used in both files for different structures is an InputFormatError.
    """
    groups: dict[tuple, list[tuple[Transcript, str]]] = {}
    seen: dict[str, Transcript] = {}
    for source, transcripts, file in ((KNOWN, known or {}, files[1]), (ASSEMBLED, assembled, files[0])):
        for transcript in transcripts.values():
            other = seen.get(transcript.id)
            if other is not None and intron_chain(other) != intron_chain(transcript):
                raise InputFormatError(f"transcript id {transcript.id} names different transcripts in the assembled "
                                       "and known lncRNA files", file=file, row=transcript.id)
            seen.setdefault(transcript.id, transcript)
            groups.setdefault(intron_chain(transcript), []).append((transcript, source))
    candidates = []
    for members in groups.values():
        keeper, source = members[0]
        merged = tuple(dict.fromkeys(t.id for t, _ in members[1:] if t.id != keeper.id))
        candidates.append(Candidate(keeper, source, merged))
    candidates.sort(key=lambda c: (c.transcript.chrom, c.transcript.start, c.transcript.end, c.transcript.id))
    return candidates
