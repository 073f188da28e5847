"""Query and target FASTA files, read and checked once for the CLI and the web app."""

from __future__ import annotations

import os

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.options import QUERY_LETTERS, TARGET_LETTERS  # noqa: F401  (re-exported)
from rnakit.hybrid.search import check_sequence
from rnakit.seq.fasta import read_fasta_records


def read_records(path: str | os.PathLike[str], field: str, *, longest: int, letters: frozenset[str],
                 file: str | None = None) -> list[tuple[str, str]]:
    """``(id, RNA)`` of every record of a FASTA, checked before any search starts; errors name
    ``file`` (default: the path), the record and ``field``."""
    shown = str(path) if file is None else file
    records = []
    for record_id, _, sequence in read_fasta_records(path):
        try:
            records.append((record_id, check_sequence(sequence, field, record_id, longest=longest, letters=letters)))
        except (SequenceError, ValueRangeError) as error:  # add the file to the record and field named
            raise type(error)(error.detail, file=shown, row=record_id, column=field) from None
    return records
