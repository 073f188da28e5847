"""FASTQ reading with clear errors, and reads from either FASTA or FASTQ for commands that take both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TextIO

from rnakit.errors import InputFormatError
from rnakit.seq.fasta import iter_fasta_records
from rnakit.tabular import open_text


def iter_fastq_records(path: str | os.PathLike[str]) -> Iterator[tuple[str, str, str]]:
    """Stream a (possibly gzipped) four-line-per-record FASTQ file as ``(record id, sequence, quality)``.

    The id is the header after '@' up to the first whitespace; sequence and quality are returned as
    written. Raises InputFormatError, naming the file and the record, for an empty file, a header
    not starting with '@', a missing '+' line, a quality whose length differs from the sequence's,
    or a truncated last record.
    """
    name = str(path)
    try:
        with open_text(path) as handle:
            yield from _parse_fastq(handle, name)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputFormatError(f"cannot read as FASTQ ({exc.__class__.__name__}: {exc})", file=name) from None


def iter_reads(path: str | os.PathLike[str]) -> Iterator[tuple[str, str]]:
    """Stream ``(record id, sequence)`` from a FASTA ('>') or FASTQ ('@') file, told apart by its first letter."""
    name = str(path)
    first = _first_letter(path)
    if first == ">":
        for record_id, _, sequence in iter_fasta_records(path):
            yield record_id, sequence
    elif first == "@":
        for record_id, sequence, _ in iter_fastq_records(path):
            yield record_id, sequence
    elif not first:
        raise InputFormatError("empty reads file (expected FASTA records '>' or FASTQ records '@')", file=name)
    else:
        raise InputFormatError(
            f"not FASTA or FASTQ: the first line starts with {first!r}, expected '>' or '@'", file=name
        )


def _first_letter(path: str | os.PathLike[str]) -> str:
    """The first non-blank character of the file ('' when it is empty)."""
    try:
        with open_text(path) as handle:
            return next((line.lstrip()[:1] for line in handle if line.strip()), "")
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputFormatError(f"cannot read reads ({exc.__class__.__name__}: {exc})", file=str(path)) from None


def _parse_fastq(handle: TextIO, name: str) -> Iterator[tuple[str, str, str]]:
    lines = enumerate(handle, start=1)
    number = 0
    for line_number, raw_header in lines:
        header = raw_header.strip()
        if not header:
            continue  # blank lines between records or at the end
        number += 1
        if not header.startswith("@"):
            raise InputFormatError(
                f"line {line_number} should be a FASTQ header starting with '@', found {header[:20]!r}",
                file=name,
                row=f"#{number}",
            )
        record_id = header[1:].split(None, 1)[0] if header[1:].strip() else f"#{number}"
        sequence = _next_line(lines, name, record_id, "sequence")
        separator = _next_line(lines, name, record_id, "'+' separator")
        if not separator.startswith("+"):
            raise InputFormatError(
                f"expected the '+' separator line after the sequence, found {separator[:20]!r}",
                file=name,
                row=record_id,
            )
        quality = _next_line(lines, name, record_id, "quality")
        if len(quality) != len(sequence):
            raise InputFormatError(
                f"quality has {len(quality)} characters but the sequence has {len(sequence)}",
                file=name,
                row=record_id,
            )
        yield record_id, sequence, quality
    if number == 0:
        raise InputFormatError("empty FASTQ file (expected records starting with '@')", file=name)


def _next_line(lines: Iterator[tuple[int, str]], name: str, record_id: str, part: str) -> str:
    try:
        return next(lines)[1].strip()
    except StopIteration:
        raise InputFormatError(
            f"truncated record: the file ends before its {part} line", file=name, row=record_id
        ) from None
