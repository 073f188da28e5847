"""FASTA reading with clear errors for empty or truncated files."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from rnakit.errors import InputFormatError
from rnakit.tabular import open_text


def fasta_pairs(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(header, sequence)`` of each record, as Biopython's SimpleFastaParser reads them (text before the
    first header skipped; trailing whitespace, inner spaces and carriage returns dropped from sequences)
    without importing Bio.SeqIO, whose package loads every format's parser (0.07 s of a design's start)."""
    title = None
    parts: list[str] = []
    for line in lines:
        if line.startswith(">"):  # not line[0]: a list of lines may hold empty ones
            if title is not None:
                yield title, "".join(parts).replace(" ", "").replace("\r", "")
            title, parts = line[1:].rstrip(), []
        elif title is not None:
            parts.append(line.rstrip())
    if title is not None:
        yield title, "".join(parts).replace(" ", "").replace("\r", "")


def iter_fasta_records(path: str | os.PathLike[str]) -> Iterator[tuple[str, str, str]]:
    """Stream a (possibly gzipped) FASTA file as ``(record id, full header, sequence)``, in file order.

    The record id is the header up to its first whitespace. Sequences are returned as written
    (case and letters untouched); callers normalise them for their alphabet.
    Raises InputFormatError for an empty file, text before the first header, a record with no
    sequence (a truncated file) or a repeated id.
    """
    name = str(path)
    seen: set[str] = set()
    try:
        with open_text(path) as handle:
            first = next((line for line in handle if line.strip()), "")
            if not first:
                raise InputFormatError("empty FASTA file (expected records starting with '>')", file=name)
            if not first.startswith(">"):
                raise InputFormatError(f"not FASTA: the first line starts with {first[:1]!r}, expected '>'", file=name)
            handle.seek(0)
            for title, sequence in fasta_pairs(handle):
                record_id = title.split(None, 1)[0] if title.strip() else ""
                if not record_id:
                    raise InputFormatError("record with an empty header", file=name, row=len(seen) + 1)
                if not sequence:
                    raise InputFormatError("record has no sequence (truncated FASTA?)", file=name, row=record_id)
                if record_id in seen:
                    raise InputFormatError("duplicate record id", file=name, row=record_id)
                seen.add(record_id)
                yield record_id, title, sequence
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputFormatError(f"cannot read as FASTA ({exc.__class__.__name__}: {exc})", file=name) from None


def read_fasta_records(path: str | os.PathLike[str]) -> list[tuple[str, str, str]]:
    """Every ``(record id, full header, sequence)`` of a FASTA file (see :func:`iter_fasta_records`)."""
    return list(iter_fasta_records(path))


def read_fasta(path: str | os.PathLike[str]) -> dict[str, str]:
    """``{record id: sequence}`` of a FASTA file, in file order (see :func:`read_fasta_records`)."""
    return {record_id: sequence for record_id, _, sequence in iter_fasta_records(path)}
