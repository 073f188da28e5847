import pytest

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.inputs import QUERY_LETTERS, check_helix_fits, parse_helix, read_records


def test_helix_is_two_whole_numbers_or_none():
    assert parse_helix("2,8") == (2, 8) and parse_helix(None) is None and parse_helix("") is None
    with pytest.raises(ValueRangeError, match="'2-8' is not FROM,TO"):
        parse_helix("2-8")


def test_a_helix_must_end_within_every_query():
    check_helix_fits((2, 8), [("a", "ACGUACGU")], file="q.fa")
    with pytest.raises(ValueRangeError, match="q.fa: record b: column '--helix': --helix ends at 8 but the query is 7 nt"):
        check_helix_fits((2, 8), [("a", "ACGUACGU"), ("b", "ACGUACG")], file="q.fa")


def test_records_are_checked_and_errors_name_the_shown_file(tmp_path):
    fasta = tmp_path / "q.fa"
    fasta.write_text(">ok\nacgtacgt\n>bad\nACGXACGU\n")
    with pytest.raises(SequenceError, match=r"^pasted query: record bad: column 'query':"):
        read_records(fasta, "query", longest=30, letters=QUERY_LETTERS, file="pasted query")
    fasta.write_text(">ok\nacgtacgt\n")
    assert read_records(fasta, "query", longest=30, letters=QUERY_LETTERS) == [("ok", "ACGUACGU")]
