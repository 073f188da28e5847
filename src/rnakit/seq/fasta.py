"""FASTA reading with clear errors for empty or truncated files."""

from __future__ import annotations

import gzip
import os

from Bio.SeqIO.FastaIO import SimpleFastaParser

from rnakit.errors import InputFormatError


def read_fasta(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a (possibly gzipped) FASTA file into ``{record id: sequence}``, in file order.

    The record id is the header up to its first whitespace. Sequences are returned as written
    (case and letters untouched); callers normalise them for their alphabet.
    Raises InputFormatError for an empty file, text before the first header, a record with no
    sequence (a truncated file) or a repeated id.
    """
    name = str(path)
    opener = gzip.open if name.endswith(".gz") else open
    records: dict[str, str] = {}
    with opener(path, "rt") as handle:  # type: ignore[operator]
        first = handle.readline()
        if not first.strip():
            raise InputFormatError("empty FASTA file (expected records starting with '>')", file=name)
        if not first.startswith(">"):
            raise InputFormatError(
                f"not FASTA: the first line starts with {first[:1]!r}, expected '>'", file=name
            )
        handle.seek(0)
        for title, sequence in SimpleFastaParser(handle):
            record_id = title.split(None, 1)[0] if title.strip() else ""
            if not record_id:
                raise InputFormatError("record with an empty header", file=name, row=len(records) + 1)
            if not sequence:
                raise InputFormatError(
                    "record has no sequence (truncated FASTA?)", file=name, row=record_id
                )
            if record_id in records:
                raise InputFormatError("duplicate record id", file=name, row=record_id)
            records[record_id] = sequence
    return records


