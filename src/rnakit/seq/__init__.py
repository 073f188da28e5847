"""Sequence layer: alphabets, FASTA reading and simple sequence arithmetic."""

from rnakit.seq.alphabet import (
    RNA_LETTERS,
    first_invalid_letter,
    normalise_rna,
    reverse_complement_rna,
    validate_rna,
)
from rnakit.seq.fasta import read_fasta

__all__ = [
    "RNA_LETTERS",
    "first_invalid_letter",
    "normalise_rna",
    "read_fasta",
    "reverse_complement_rna",
    "validate_rna",
]
