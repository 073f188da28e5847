import gzip
import shutil

import pandas as pd
import pytest

from rnakit.errors import DatasetNotFoundError, InputFormatError, ValueRangeError
from rnakit.sirna.schema import CANONICAL_COLUMNS, to_remaining_pct
from rnakit.sirna.tables import ColumnOptions, load_table
from tests.conftest import ANTISENSE, COMPETITION_HEADER, SENSE, competition_row, write_rows


def test_competition_file_becomes_the_canonical_table(competition_file):
    table = load_table(competition_file)
    assert list(table.columns[: len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert table["id"].tolist() == ["1", "2", "3"]
    first = table.iloc[0]
    assert first.guide == ANTISENSE and first.passenger == SENSE
    assert first.transcript.startswith("GGAUCCAUGCUUG")  # DNA written as RNA
    assert first.concentration_nm == pytest.approx(0.1)
    assert first.guide_mods[:3] == tuple(ANTISENSE.lower()[:3])
    assert table["remaining_pct"].tolist() == [80.0, 40.0, 12.5]
    assert set(table["label_kind"]) == {"remaining"}


def test_gzipped_competition_file_keeps_row_order(tmp_path, competition_file):
    packed = tmp_path / "train.csv.gz"
    with competition_file.open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    assert load_table(packed)["id"].tolist() == ["1", "2", "3"]


def test_test_file_with_empty_labels_reads_as_missing_labels(tmp_path):
    path = write_rows(tmp_path / "test.csv", [competition_row(id=9, mRNA_remaining_pct="")])
    assert load_table(path)["remaining_pct"].isna().all()


def test_concentration_units_are_converted_and_unknown_units_rejected(tmp_path):
    path = write_rows(tmp_path / "pm.csv", [competition_row(siRNA_concentration=500, concentration_unit="pM")])
    assert load_table(path)["concentration_nm"].iloc[0] == pytest.approx(0.5)
    bad = write_rows(tmp_path / "bad.csv", [competition_row(), competition_row(id=2, concentration_unit="mg")])
    with pytest.raises(ValueRangeError, match=r"bad.csv: row 2: column 'siRNA_concentration': unknown concentration unit 'mg'"):
        load_table(bad)


def test_negative_or_non_numeric_concentration_is_an_error(tmp_path):
    with pytest.raises(ValueRangeError, match="negative"):
        load_table(write_rows(tmp_path / "n.csv", [competition_row(siRNA_concentration=-1)]))
    with pytest.raises(ValueRangeError, match="not a number"):
        load_table(write_rows(tmp_path / "t.csv", [competition_row(siRNA_concentration="lots")]))


def test_unknown_modification_token_names_token_and_row(tmp_path):
    path = write_rows(tmp_path / "m.csv", [competition_row(), competition_row(id=2, modified_siRNA_antisense_seq_list="a Zz c")])
    with pytest.raises(ValueRangeError, match=r"row 2: column 'modified_siRNA_antisense_seq_list': unknown modification token 'Zz'"):
        load_table(path)
    assert load_table(path, allow_unknown_mods=True)["guide_mods"].iloc[1] == ("a", "Zz", "c")


def test_missing_column_is_named(tmp_path):
    header = [c for c in COMPETITION_HEADER if c != "siRNA_concentration"]
    path = write_rows(tmp_path / "c.csv", [competition_row()], header=header)
    with pytest.raises(InputFormatError, match=r"c.csv: missing required column 'siRNA_concentration'"):
        load_table(path)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFormatError, match="empty file"):
        load_table(empty)
    header_only = write_rows(tmp_path / "h.csv", [])
    with pytest.raises(InputFormatError, match="no data rows"):
        load_table(header_only)


def test_unknown_source_lists_known_datasets():
    with pytest.raises(InputFormatError, match="not a known dataset .*sais_sirna_2024"):
        load_table("no_such_thing")


def test_dataset_name_with_a_missing_data_dir_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="incomplete"):
        load_table("sais_sirna_2024", data_dir=tmp_path)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [("remaining", 20.0, 20.0), ("inhibition", 80.0, 20.0), ("fraction", 0.8, 20.0), ("inhibition", 110.0, -10.0)],
)
def test_label_conventions(kind, raw, expected):
    assert to_remaining_pct([raw], kind).iloc[0] == pytest.approx(expected)


def test_generic_tsv_with_column_options(tmp_path):
    header = ["name", "as", "ss", "ctx", "knockdown", "gene", "conc"]
    rows = [
        {"name": "x1", "as": ANTISENSE.lower().replace("u", "t"), "ss": SENSE, "ctx": "ACGU" * 15, "knockdown": 0.75, "gene": "Hao1", "conc": "5nM"},
        {"name": "x2", "as": ANTISENSE, "ss": SENSE, "ctx": "ACGU" * 15, "knockdown": 0.10, "gene": "HAO1", "conc": "0.1 uM"},
    ]
    path = write_rows(tmp_path / "mine.tsv", rows, header=header, delimiter="\t")
    options = ColumnOptions(
        guide_col="as", passenger_col="ss", context_col="ctx", label_col="knockdown", label_kind="fraction",
        gene_col="gene", id_col="name", concentration_col="conc",
    )
    table = load_table(path, options)
    assert table["guide"].tolist() == [ANTISENSE, ANTISENSE]  # lowercase DNA normalised to RNA
    assert table["remaining_pct"].tolist() == pytest.approx([25.0, 90.0])
    assert table["concentration_nm"].tolist() == pytest.approx([5.0, 100.0])
    assert table["id"].tolist() == ["x1", "x2"]
    assert set(table["label_kind"]) == {"fraction"}
    assert table["context"].iloc[0] == "ACGU" * 15


def test_generic_reader_errors(tmp_path):
    path = write_rows(tmp_path / "mine.csv", [{"g": ANTISENSE, "y": 3}], header=["g", "y"])
    with pytest.raises(InputFormatError, match=r"missing required column 'lbl'"):
        load_table(path, ColumnOptions(guide_col="g", label_col="lbl"))
    with pytest.raises(ValueRangeError, match="unknown label kind 'percent'"):
        load_table(path, ColumnOptions(guide_col="g", label_col="y", label_kind="percent"))
    with pytest.raises(InputFormatError, match="pass --guide-col"):
        load_table(path)
    with pytest.raises(InputFormatError, match="not both"):
        load_table(path, ColumnOptions(guide_col="g", transcript_col="y", context_col="y"))
    generated = load_table(path, ColumnOptions(guide_col="g"))
    assert generated["id"].tolist() == ["mine.csv:1"]
    assert pd.isna(generated["remaining_pct"].iloc[0])


def test_non_numeric_label_is_named(tmp_path):
    path = write_rows(tmp_path / "l.csv", [competition_row(), competition_row(id=2, mRNA_remaining_pct="high")])
    with pytest.raises(InputFormatError, match=r"row 2: column 'mRNA_remaining_pct': label 'high' is not a number"):
        load_table(path)


@pytest.mark.parametrize(("label", "kind"), [("inf", "remaining"), ("1e999", "inhibition"), ("1e308", "fraction")])
def test_labels_that_are_or_become_infinite_are_errors(tmp_path, label, kind):
    # 1e308 is finite, but as a knockdown fraction it is 100·(1 − 1e308) % remaining: −infinity.
    path = write_rows(tmp_path / "l.csv", [{"g": ANTISENSE, "y": 50}, {"g": ANTISENSE, "y": label}], header=["g", "y"])
    with pytest.raises(InputFormatError, match=r"l.csv: row 2: column 'y': label \S+ is not a finite number"):
        load_table(path, ColumnOptions(guide_col="g", label_col="y", label_kind=kind))
