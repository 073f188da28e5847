"""Reader for the SAIS 2024 competition format (19 columns, training and test files)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from rnakit.sirna.conditions import concentrations_to_nm, hours_column
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.modifications import parse_mod_tokens
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings
from rnakit.tabular import read_delimited, require_columns

COMPETITION_COLUMNS = (
    "id", "publication_id", "gene_target_symbol_name", "gene_target_ncbi_id", "gene_target_species",
    "siRNA_duplex_id", "siRNA_sense_seq", "siRNA_antisense_seq", "cell_line_donor",
    "siRNA_concentration", "concentration_unit", "Transfection_method",
    "Duration_after_transfection_h", "modified_siRNA_sense_seq", "modified_siRNA_antisense_seq",
    "modified_siRNA_sense_seq_list", "modified_siRNA_antisense_seq_list", "gene_target_seq",
    "mRNA_remaining_pct",
)
COMPETITION_LABEL = "mRNA_remaining_pct"
#: Canonical column → the competition file's column it is read from (errors name the latter).
COMPETITION_SOURCES = {
    "id": "id", "guide": "siRNA_antisense_seq", "passenger": "siRNA_sense_seq",
    "guide_mods": "modified_siRNA_antisense_seq_list", "passenger_mods": "modified_siRNA_sense_seq_list",
    "transcript": "gene_target_seq", "transcript_id": "gene_target_ncbi_id", "gene": "gene_target_symbol_name",
    "species": "gene_target_species", "concentration_nm": "siRNA_concentration",
    "hours": "Duration_after_transfection_h", "transfection": "Transfection_method", "cell_line": "cell_line_donor",
    "duplex": "siRNA_duplex_id", "publication": "publication_id", "remaining_pct": COMPETITION_LABEL,
}


def looks_like_competition_file(columns: list[str]) -> bool:
    """True when a header has most competition columns; missing ones are then reported by name."""
    return len(set(columns) & set(COMPETITION_COLUMNS)) > len(COMPETITION_COLUMNS) // 2


def _tokens(column: pd.Series, *, allow_unknown: bool, file: str, name: str) -> list:
    parsed: dict[str, tuple[str, ...] | None] = {}
    out = []
    for row, text in enumerate(column.tolist(), start=1):
        key = text if isinstance(text, str) else None
        if key not in parsed:
            parsed[key] = parse_mod_tokens(key, allow_unknown=allow_unknown, file=file, row=row, column=name)
        out.append(parsed[key])
    return out


def _strip(column: pd.Series) -> pd.Series:
    return column.astype("string").str.strip().astype("object").where(column.notna(), None)


def read_competition(
    path: str | os.PathLike[str], *, allow_unknown_mods: bool = False, frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read a competition training or test file (``.csv`` or ``.csv.gz``) into the canonical table.

    Rows keep their order and ``id``; an empty label column (a test file) gives NaN labels.
    ``frame`` passes a table already read from ``path``.
    """
    file = str(path)
    raw = frame if frame is not None else read_delimited(path)
    require_columns(raw, [c for c in COMPETITION_COLUMNS if c != COMPETITION_LABEL], file=file)
    n = len(raw)
    label = raw[COMPETITION_LABEL] if COMPETITION_LABEL in raw else pd.Series([float("nan")] * n)
    numeric_label = numeric_labels(label, file=file, column=COMPETITION_LABEL)
    name = COMPETITION_SOURCES
    hours = hours_column(raw[name["hours"]], file=file, column=name["hours"])
    columns = {
        "id": _strip(raw[name["id"]]),
        "guide": rna_strings(raw[name["guide"]]),
        "passenger": rna_strings(raw[name["passenger"]]),
        "guide_mods": _tokens(raw[name["guide_mods"]], allow_unknown=allow_unknown_mods,
                              file=file, name=name["guide_mods"]),
        "passenger_mods": _tokens(raw[name["passenger_mods"]], allow_unknown=allow_unknown_mods,
                                  file=file, name=name["passenger_mods"]),
        "transcript": rna_strings(raw[name["transcript"]]),
        "transcript_id": _strip(raw[name["transcript_id"]]),
        "gene": _strip(raw[name["gene"]]),
        "species": _strip(raw[name["species"]]),
        "concentration_nm": concentrations_to_nm(
            raw[name["concentration_nm"]], raw["concentration_unit"], file=file, column=name["concentration_nm"]
        ),
        "hours": hours,
        "transfection": _strip(raw[name["transfection"]]),
        "cell_line": _strip(raw[name["cell_line"]]),
        "duplex": _strip(raw[name["duplex"]]),
        "publication": _strip(raw[name["publication"]]),
        "source": ["sais_sirna_2024"] * n,
        "remaining_pct": numeric_label,
        "label_kind": ["remaining"] * n,
    }
    return canonical_frame(columns, n, source_columns=COMPETITION_SOURCES)


@register_reader("sais")
def read_sais_train(folder: Path) -> pd.DataFrame:
    """The competition training file of the shared data folder."""
    return read_competition(folder / "train_data.csv.gz")


@register_reader("sais_test")
def read_sais_test(folder: Path) -> pd.DataFrame:
    """The competition's preliminary-round test file (labels empty)."""
    return read_competition(folder / "sample_submission.csv.gz")
