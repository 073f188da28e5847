"""Validation of a canonical siRNA table: hard errors, flagged rows and a summary.

Errors make a table unusable (a bad letter, an impossible length, a missing label in a training
file, a repeated id). Flags are reported as counts with their rows and never drop anything:
a passenger that does not pair with its guide, a guide whose target site is not in the
transcript, modification tokens that spell another sequence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import IUPAC_RNA_LETTERS, first_invalid_letter
from rnakit.sirna.modifications import bases_of
from rnakit.sirna.schema import file_column
from rnakit.sirna.strands import locate_site, nearly_complementary

STRAND_LENGTH_RANGE = (15, 30)
#: Transcripts from GenBank may hold IUPAC ambiguity codes (R, Y, N, ...); strands may not.
TRANSCRIPT_LETTERS = IUPAC_RNA_LETTERS
EFFECTIVE_BELOW = 30.0

FLAG_DESCRIPTIONS = {
    "passenger_not_complementary": "passenger does not pair with the guide (> 3 mismatches over the best register)",
    "site_mismatch": "guide's target site found in the transcript with 1–2 mismatches",
    "site_absent": "guide's target site not found in the transcript (≤ 2 mismatches)",
    "site_swapped": "guide's site absent but the guide itself is in the transcript (strands swapped?)",
    "mods_disagree": "modification tokens spell a different sequence from the strand",
}


@dataclass
class Problem:
    """One hard error: 1-based data row, canonical column, message, and that column's name in the file."""

    row: int
    column: str
    message: str
    source_column: str | None = None

    @property
    def file_column(self) -> str:
        """The column as the user's file names it (the canonical name when not known)."""
        return self.source_column or self.column

    def as_error(self, file: str) -> SequenceError | ValueRangeError | InputFormatError:
        return InputFormatError(self.message, file=file, row=self.row, column=self.file_column, field=self.column)


def _named(problems: list[Problem], table: pd.DataFrame) -> list[Problem]:
    """``problems`` with each column's name in the file ``table`` was read from."""
    for problem in problems:
        problem.source_column = file_column(table, problem.column)
    return problems


@dataclass
class ValidationReport:
    """What :func:`validate_table` found."""

    file: str
    n_rows: int
    is_training: bool
    errors: list[Problem] = field(default_factory=list)
    flags: dict[str, list[int]] = field(default_factory=dict)
    site_counts: dict[str, int] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_first(self) -> None:
        """Raise the first error as an RnakitError (for commands that need a valid table)."""
        if self.errors:
            raise self.errors[0].as_error(self.file)


def _check_strand(value: object, row: int, column: str, required: bool, errors: list[Problem]) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        if required:
            errors.append(Problem(row, column, "missing sequence"))
        return
    sequence = str(value)
    bad = first_invalid_letter(sequence)
    if bad is not None:
        errors.append(Problem(
            row, column,
            f"letter {sequence[bad]!r} at position {bad + 1} is not a nucleotide (expected A, C, G, U or T)",
        ))
        return
    low, high = STRAND_LENGTH_RANGE
    if not low <= len(sequence) <= high:
        errors.append(Problem(row, column, f"length {len(sequence)} nt is outside {low}–{high} nt"))


def sequence_errors(table: pd.DataFrame) -> list[Problem]:
    """Bad letters and impossible lengths in strands, transcripts and contexts."""
    errors: list[Problem] = []
    for row, guide, passenger in zip(range(1, len(table) + 1), table["guide"], table["passenger"]):
        _check_strand(guide, row, "guide", True, errors)
        _check_strand(passenger, row, "passenger", False, errors)
    for column in ("transcript", "context"):
        seen: dict[str, int | None] = {}
        for row, sequence in enumerate(table[column], start=1):
            if sequence is None:
                continue
            if sequence not in seen:
                seen[sequence] = first_invalid_letter(sequence, TRANSCRIPT_LETTERS)
                bad = seen[sequence]
                if bad is not None:
                    errors.append(Problem(
                        row, column, f"letter {sequence[bad]!r} at position {bad + 1} is not a nucleotide",
                    ))
    return _named(errors, table)


def _label_and_id_errors(table: pd.DataFrame, is_training: bool) -> list[Problem]:
    errors: list[Problem] = []
    if is_training:
        for row in np.flatnonzero(table["remaining_pct"].isna().to_numpy())[:1000]:
            errors.append(Problem(int(row) + 1, "remaining_pct", "missing label in a training file"))
    ids = table["id"]
    for row in np.flatnonzero(ids.duplicated().to_numpy())[:1000]:
        errors.append(Problem(int(row) + 1, "id", f"duplicate id {ids.iloc[row]!r}"))
    return _named(errors, table)


def _flags(table: pd.DataFrame) -> tuple[dict[str, list[int]], dict[str, int]]:
    flags: dict[str, list[int]] = {name: [] for name in FLAG_DESCRIPTIONS}
    sites: Counter[str] = Counter()
    pairing: dict[tuple[str, str], bool] = {}
    located: dict[tuple[str, str], str] = {}
    spelled: dict[tuple, str] = {}
    valid = table["guide"].map(lambda s: isinstance(s, str) and first_invalid_letter(s) is None)
    for row, (ok, guide, passenger, transcript, g_mods, p_mods) in enumerate(
        zip(valid, table["guide"], table["passenger"], table["transcript"],
            table["guide_mods"], table["passenger_mods"]), start=1,
    ):
        if not ok:
            continue
        if isinstance(passenger, str) and first_invalid_letter(passenger) is None:
            key = (guide, passenger)
            if key not in pairing:
                pairing[key] = nearly_complementary(guide, passenger)
            if not pairing[key]:
                flags["passenger_not_complementary"].append(row)
        if isinstance(transcript, str):
            key = (guide, transcript)
            if key not in located:
                located[key] = locate_site(guide, transcript).status
            status = located[key]
            sites[status] += 1
            if status != "exact":
                flags[f"site_{status}"].append(row)
        else:
            sites["no transcript"] += 1
        for tokens, strand in ((g_mods, guide), (p_mods, passenger)):
            if tokens is not None and isinstance(strand, str):
                if tokens not in spelled:
                    spelled[tokens] = bases_of(tokens)
                if spelled[tokens] != strand:
                    flags["mods_disagree"].append(row)
                    break
    return flags, dict(sites)


def _summary(table: pd.DataFrame) -> dict[str, object]:
    label = table["remaining_pct"].dropna()
    genes = table["gene"].dropna()
    summary: dict[str, object] = {
        "rows": len(table),
        "genes": int(genes.str.upper().nunique()),
        "rows_without_gene": int(table["gene"].isna().sum()),
        "duplexes": int(table["duplex"].dropna().nunique()),
        "distinct_guides": int(table["guide"].nunique()),
        # A Python set reuses each string's cached hash; pandas would rehash megabase transcripts.
        "transcripts": len(set(table["transcript"].dropna())),
        "sources": {str(k): int(v) for k, v in table["source"].value_counts().items()},
    }
    if len(label):
        summary["label"] = {
            "n": int(len(label)),
            "min": float(label.min()), "median": float(label.median()),
            "mean": float(label.mean()), "max": float(label.max()),
            "below_30": int((label < EFFECTIVE_BELOW).sum()),
            "above_100": int((label > 100).sum()),
        }
    conc = table["concentration_nm"].dropna()
    if len(conc):
        summary["concentration_nm"] = {"min": float(conc.min()), "median": float(conc.median()), "max": float(conc.max())}
    for column in ("hours", "transfection", "cell_line", "species"):
        counts = table[column].dropna().value_counts()
        if len(counts):
            shown = counts.head(8)
            summary[column] = {(f"{k:g} h" if column == "hours" else str(k)): int(v) for k, v in shown.items()}
            if len(counts) > len(shown):
                summary[column]["(others)"] = int(counts.iloc[len(shown):].sum())
    return summary


def validate_table(table: pd.DataFrame, *, file: str, is_training: bool | None = None) -> ValidationReport:
    """Check a canonical table; ``is_training`` defaults to "some label is present"."""
    if is_training is None:
        is_training = bool(table["remaining_pct"].notna().any())
    report = ValidationReport(file=file, n_rows=len(table), is_training=is_training)
    report.errors = sequence_errors(table) + _label_and_id_errors(table, is_training)
    report.errors.sort(key=lambda p: p.row)
    report.flags, report.site_counts = _flags(table)
    report.summary = _summary(table)
    return report
