"""Design targets: FASTA records with their gene and CDS taken from the header when given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnakit.errors import InputFormatError, SequenceError
from rnakit.seq.alphabet import IUPAC_RNA_LETTERS, validate_rna
from rnakit.seq.fasta import read_fasta_records
from rnakit.seq.headers import parse_cds, parse_gene
from rnakit.seq.orf import longest_orf

#: An inferred CDS must code at least this many amino acids to be trusted (shorter ORFs occur by chance).
MIN_INFERRED_CDS_CODONS = 100
#: Longer "transcripts" are genomes or concatenations, not mRNAs: refuse them rather than run for hours.
MAX_TARGET_LENGTH = 1_000_000
#: How a target given as Python text or a record (not a file) is named in error messages.
GIVEN = "given sequence"


@dataclass(frozen=True)
class Target:
    """One transcript to design against: RNA sequence, gene (if the header says) and 0-based CDS."""

    record: str
    header: str
    sequence: str
    gene: str | None
    cds: tuple[int, int] | None
    cds_source: str  # "header", "longest ORF" or "none"


def make_target(record: str, header: str, raw_sequence: str, *, file: str = GIVEN) -> Target:
    """Validate the letters (naming record and position) and find the gene and CDS.

    IUPAC ambiguity codes (N runs of GenBank records) are allowed: design skips the windows they touch.
    """
    sequence = validate_rna(raw_sequence, file=file, row=record, column="sequence", letters=IUPAC_RNA_LETTERS)
    if len(sequence) > MAX_TARGET_LENGTH:
        raise SequenceError(f"{len(sequence):,} nt is longer than an mRNA (limit {MAX_TARGET_LENGTH:,})",
                            file=file, row=record, column="sequence")
    annotated = parse_cds(header)
    if annotated and not 1 <= annotated[0] < annotated[1] <= len(sequence):
        raise InputFormatError(f"CDS {annotated[0]}-{annotated[1]} lies outside the {len(sequence)}-nt sequence",
                               file=file, row=record, column="header")
    cds, source = ((annotated[0] - 1, annotated[1]), "header") if annotated else (None, "none")
    if cds is None:
        orf = longest_orf(sequence)
        cds, source = (orf, "longest ORF") if orf and orf[1] - orf[0] >= 3 * MIN_INFERRED_CDS_CODONS else (None, "none")
    return Target(record, header, sequence, parse_gene(header), cds, source)


def read_targets(path: Path, *, record: str | None = None, all_records: bool = False) -> list[Target]:
    """The target(s) to design for: the one record, the named one, or all with ``all_records``."""
    records = read_fasta_records(path)
    file = str(path)
    if record is not None:
        chosen = [r for r in records if r[0] == record]
        if not chosen:
            known = ", ".join(r[0] for r in records[:5]) + (" …" if len(records) > 5 else "")
            raise InputFormatError(f"no record {record!r} (records: {known})", file=file)
    elif len(records) > 1 and not all_records:
        raise InputFormatError(f"{len(records)} records: choose one with --record ID or design all with --all-records",
                               file=file)
    else:
        chosen = records
    return [make_target(r, h, s, file=file) for r, h, s in chosen]


def targets_from(target: Any, *, record: str | None = None) -> list[Target]:
    """Targets from Python values: a sequence string, FASTA text, a Biopython ``SeqRecord``, or a list
    of them (``record`` picks one by id). Letters and CDS are checked as for a FASTA file."""
    from rnakit.seq.records import sequence_entries

    items = list(target) if isinstance(target, (list, tuple)) else [target]
    found: list[tuple[str, str, str]] = []
    for number, item in enumerate(items, start=1):
        found += sequence_entries(item, name="target" if len(items) == 1 else f"target_{number}")
    if record is not None:
        chosen = [r for r in found if r[0] == record]
        if not chosen:
            raise InputFormatError(f"no record {record!r} (records: {', '.join(r[0] for r in found[:5])})", file=GIVEN)
        found = chosen
    seen: set[str] = set()
    for record_id, _, _ in found:
        if record_id in seen:
            raise InputFormatError("duplicate record id", file=GIVEN, row=record_id)
        seen.add(record_id)
    return [make_target(r, h, s, file=GIVEN) for r, h, s in found]
