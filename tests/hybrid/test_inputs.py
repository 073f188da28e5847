import pytest

from rnakit.errors import SequenceError
from rnakit.hybrid.inputs import QUERY_LETTERS, read_records
from rnakit.hybrid.request import HybridRequest
from rnakit.requests import RequestError


def test_helix_is_two_whole_numbers_or_none():
    assert HybridRequest.from_dict({"helix": "2,8"}).helix == (2, 8)
    assert HybridRequest.from_dict({"helix": ""}).helix is None and HybridRequest().helix is None
    for text in ("2-8", "2,8,9", "two,8"):
        with pytest.raises(RequestError, match=f"^field 'helix': '{text}' is not FROM,TO"):
            HybridRequest.from_dict({"helix": text})


def test_a_helix_must_end_within_every_query():
    request = HybridRequest(helix=(2, 8))
    request.check_queries([("a", "ACGUACGU")], file="q.fa")
    with pytest.raises(RequestError) as caught:
        request.check_queries([("a", "ACGUACGU"), ("b", "ACGUACG")], file="q.fa")
    assert str(caught.value) == "q.fa: record b: field 'helix': ends at 8 but the query is 7 nt"
    assert caught.value.for_cli() == "q.fa: record b: option '--helix': ends at 8 but the query is 7 nt"


def test_records_are_checked_and_errors_name_the_shown_file(tmp_path):
    fasta = tmp_path / "q.fa"
    fasta.write_text(">ok\nacgtacgt\n>bad\nACGXACGU\n")
    with pytest.raises(SequenceError, match=r"^pasted query: record bad: column 'query':"):
        read_records(fasta, "query", longest=30, letters=QUERY_LETTERS, file="pasted query")
    fasta.write_text(">ok\nacgtacgt\n")
    assert read_records(fasta, "query", longest=30, letters=QUERY_LETTERS) == [("ok", "ACGUACGU")]
