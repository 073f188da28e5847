"""RNA alphabet: normalisation (case, whitespace, T→U), validation and reverse complement."""

from __future__ import annotations

from rnakit.errors import SequenceError

RNA_LETTERS = frozenset("ACGU")
#: ACGU and the IUPAC ambiguity codes: letters a transcript may hold (GenBank records have N runs).
IUPAC_RNA_LETTERS = RNA_LETTERS | frozenset("RYKMSWBDHVN")
_COMPLEMENT = str.maketrans("ACGU", "UGCA")
_WHITESPACE = str.maketrans("", "", " \t\r\n")


def normalise_rna(sequence: str) -> str:
    """Uppercase, drop whitespace and write DNA's T as U: ``'acg t'`` → ``'ACGU'``."""
    return sequence.translate(_WHITESPACE).upper().replace("T", "U")


def first_invalid_letter(sequence: str, letters: frozenset[str] = RNA_LETTERS) -> int | None:
    """0-based index of the first letter outside ``letters``, or None when all are valid."""
    if letters.issuperset(sequence):  # the usual answer, without a Python loop over the letters
        return None
    for index, letter in enumerate(sequence):
        if letter not in letters:
            return index
    return None


def validate_rna(
    sequence: str,
    *,
    file: str | None = None,
    row: int | str | None = None,
    column: str | None = None,
    letters: frozenset[str] = RNA_LETTERS,
) -> str:
    """Return ``sequence`` normalised to RNA; raise SequenceError naming the first letter outside
    ``letters`` (ACGU by default; T counts as U)."""
    rna = normalise_rna(sequence)
    if not rna:
        raise SequenceError("empty sequence", file=file, row=row, column=column)
    bad = first_invalid_letter(rna, letters)
    if bad is not None:
        expected = ", ".join(sorted(letters, key="ACGUN".find)) + " or T"  # T was read as U
        raise SequenceError(
            f"letter {rna[bad]!r} at position {bad + 1} is not a nucleotide (expected {expected})",
            file=file,
            row=row,
            column=column,
        )
    return rna


def reverse_complement_rna(sequence: str) -> str:
    """Reverse complement of an RNA sequence in ACGU (other letters are kept as they are)."""
    return sequence.translate(_COMPLEMENT)[::-1]
