"""Fixtures shared by the tests: small files the tests build themselves."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rnakit.sirna.datasets import default_data_dir
from rnakit.sirna.datasets.sais import COMPETITION_COLUMNS

COMPETITION_HEADER = list(COMPETITION_COLUMNS)

# A 40-nt target; the guide below pairs with target nt 6..28 (23 nt, Alnylam 21/23 layout).
TARGET_DNA = "GGATCCATGCTTGACCGATTACGGCATTAGCCAAGTTACG"
SENSE = "UGCUUGACCGAUUACGGCAUU"  # target nt 8..28 as RNA
ANTISENSE = "AAUGCCGUAAUCGGUCAAGCAUG"  # reverse complement of target nt 6..28


def competition_row(**overrides: object) -> dict[str, object]:
    """One valid competition-format row; keyword arguments replace fields."""
    row: dict[str, object] = {
        "id": 1, "publication_id": "PUB1", "gene_target_symbol_name": "GENE1",
        "gene_target_ncbi_id": "NM_1.1", "gene_target_species": "Homo sapiens",
        "siRNA_duplex_id": "AD-1.1", "siRNA_sense_seq": SENSE, "siRNA_antisense_seq": ANTISENSE,
        "cell_line_donor": "Hep3B Cells", "siRNA_concentration": 10, "concentration_unit": "nM",
        "Transfection_method": "Lipofectamine", "Duration_after_transfection_h": 24,
        "modified_siRNA_sense_seq": SENSE.lower(), "modified_siRNA_antisense_seq": ANTISENSE.lower(),
        "modified_siRNA_sense_seq_list": " ".join(SENSE.lower()),
        "modified_siRNA_antisense_seq_list": " ".join(ANTISENSE.lower()),
        "gene_target_seq": TARGET_DNA, "mRNA_remaining_pct": 25.0,
    }
    row.update(overrides)
    return row


def write_rows(path: Path, rows: list[dict[str, object]], header: list[str] | None = None, delimiter: str = ",") -> Path:
    """Write ``rows`` as CSV/TSV with ``header`` (default: the competition's 19 columns)."""
    header = header or COMPETITION_HEADER
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def competition_file(tmp_path: Path) -> Path:
    """A valid three-row training file in the competition format."""
    rows = [
        competition_row(id=1, siRNA_concentration=0.1, mRNA_remaining_pct=80.0),
        competition_row(id=2, siRNA_concentration=1, mRNA_remaining_pct=40.0),
        competition_row(id=3, siRNA_concentration=10, mRNA_remaining_pct=12.5),
    ]
    return write_rows(tmp_path / "train.csv", rows)


def shared_data_or_skip() -> Path:
    """The shared data folder, or skip the calling test with the reason."""
    folder = default_data_dir()
    if folder is None:
        pytest.skip("shared data not found at ../shared/data; set RNAKIT_DATA_DIR to run this test")
    return folder


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


#: How a cache entry gets damaged (a full disk, a killed copy, another program's file), by name.
DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "binary": lambda data: b"\x89PNG\r\n\x1a\n\x00\xff" * 8,
    "json list": lambda data: b"[]\n",  # well-formed, but not what was written
}


def damage(path: Path, how: str) -> None:
    """Overwrite the file at ``path`` with a damaged version of its bytes (see DAMAGE)."""
    path.write_bytes(DAMAGE[how](path.read_bytes()))
