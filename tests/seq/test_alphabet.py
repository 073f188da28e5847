import pytest

from rnakit.errors import SequenceError
from rnakit.seq.alphabet import first_invalid_letter, normalise_rna, reverse_complement_rna, validate_rna


def test_normalise_uppercases_strips_whitespace_and_writes_t_as_u():
    assert normalise_rna(" acg t\n") == "ACGU"


def test_reverse_complement_of_known_pair():
    # 5'-AUGC-3' pairs with 5'-GCAU-3'.
    assert reverse_complement_rna("AUGC") == "GCAU"
    assert reverse_complement_rna(reverse_complement_rna("GAUUACA")) == "GAUUACA"


def test_first_invalid_letter_is_zero_based():
    assert first_invalid_letter("ACGU") is None
    assert first_invalid_letter("ACXGU") == 2


def test_validate_names_letter_position_row_and_column():
    with pytest.raises(SequenceError) as info:
        validate_rna("ACGUNA", file="f.csv", row=4, column="guide")
    message = str(info.value)
    assert "f.csv" in message and "row 4" in message and "'guide'" in message
    assert "'N' at position 5" in message


def test_validate_rejects_empty():
    with pytest.raises(SequenceError, match="empty sequence"):
        validate_rna("  ")
