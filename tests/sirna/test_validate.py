import pytest

from rnakit.sirna.tables import load_table
from rnakit.sirna.validate import validate_table
from tests.conftest import ANTISENSE, SENSE, competition_row, write_rows


def report_for(tmp_path, rows):
    path = write_rows(tmp_path / "v.csv", rows)
    return validate_table(load_table(path), file=str(path))


def test_clean_file_has_no_errors_and_a_summary(tmp_path, competition_file):
    report = validate_table(load_table(competition_file), file="train.csv")
    assert report.ok and report.is_training
    assert report.summary["rows"] == 3 and report.summary["genes"] == 1
    assert report.summary["label"]["below_30"] == 1
    assert report.site_counts == {"exact": 3}
    assert all(not rows for rows in report.flags.values())


def test_bad_letter_is_named_with_position(tmp_path):
    report = report_for(tmp_path, [competition_row(), competition_row(id=2, siRNA_antisense_seq=ANTISENSE[:4] + "X" + ANTISENSE[5:])])
    [problem] = report.errors
    assert (problem.row, problem.column) == (2, "guide")
    assert "'X' at position 5" in problem.message
    with pytest.raises(Exception, match=r"v.csv: row 2: column 'siRNA_antisense_seq' \(guide\)"):
        report.raise_first()


@pytest.mark.parametrize("length", [14, 31])
def test_strand_length_outside_15_to_30_is_an_error(tmp_path, length):
    report = report_for(tmp_path, [competition_row(siRNA_sense_seq=("ACGU" * 10)[:length])])
    assert [(p.column, p.message) for p in report.errors] == [("passenger", f"length {length} nt is outside 15–30 nt")]


def test_missing_label_in_training_file_and_duplicate_ids(tmp_path):
    report = report_for(tmp_path, [competition_row(id=1), competition_row(id=1, mRNA_remaining_pct="")])
    messages = sorted((p.row, p.column) for p in report.errors)
    assert messages == [(2, "id"), (2, "remaining_pct")]


def test_unlabelled_file_is_not_training(tmp_path):
    report = report_for(tmp_path, [competition_row(mRNA_remaining_pct="")])
    assert report.ok and not report.is_training


def test_flags_count_rows_without_dropping_them(tmp_path):
    swapped = competition_row(id=2, siRNA_antisense_seq=SENSE, siRNA_sense_seq=ANTISENSE,
                              modified_siRNA_sense_seq_list=" ".join(ANTISENSE.lower()),
                              modified_siRNA_antisense_seq_list=" ".join(SENSE.lower()))
    unpaired = competition_row(id=3, siRNA_sense_seq="AAAAAAAAAAAAAAAAAAAAA",
                               modified_siRNA_sense_seq_list=" ".join("a" * 21))
    wrong_mods = competition_row(id=4, modified_siRNA_antisense_seq_list="u u u")
    report = report_for(tmp_path, [competition_row(), swapped, unpaired, wrong_mods])
    assert report.ok and report.n_rows == 4
    assert report.flags["site_swapped"] == [2]
    assert report.flags["passenger_not_complementary"] == [3]
    assert report.flags["mods_disagree"] == [4]
    assert report.site_counts == {"exact": 3, "swapped": 1}
