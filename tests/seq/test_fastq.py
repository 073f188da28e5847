import gzip

import pytest

from rnakit.errors import InputFormatError
from rnakit.seq.fastq import iter_fastq_records, iter_reads

GOOD = "@r1 lane 1\nACGT\n+\nIIII\n@r2\nGG\n+r2\n#I\n\n"


def test_reads_records_with_first_word_as_id(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_text(GOOD)
    assert list(iter_fastq_records(path)) == [("r1", "ACGT", "IIII"), ("r2", "GG", "#I")]


def test_quality_may_start_with_at_sign(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_text("@r1\nAC\n+\n@I\n")
    assert list(iter_fastq_records(path)) == [("r1", "AC", "@I")]


def test_reads_gzip(tmp_path):
    path = tmp_path / "reads.fq.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(GOOD)
    assert [record[0] for record in iter_fastq_records(path)] == ["r1", "r2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "bad.fq: empty FASTQ file"),
        ("\n\n", "bad.fq: empty FASTQ file"),
        ("@r1\nAC\n+\nII\nr2\nGG\n+\nII\n", r"bad.fq: record #2: line 5 should be a FASTQ header starting with '@'"),
        ("@r1\nAC\nII\n@r2\n", r"bad.fq: record r1: expected the '\+' separator line"),
        ("@r1\nACGT\n+\nIII\n", "bad.fq: record r1: quality has 3 characters but the sequence has 4"),
        ("@r1\nAC\n+\nII\n@r2\nGG\n+\n", "bad.fq: record r2: truncated record: the file ends before its quality line"),
        ("@r1\nAC\n+\nII\n@r2\nGG\n", r"bad.fq: record r2: truncated record: .* before its '\+' separator line"),
        ("@r1\n", "bad.fq: record r1: truncated record: the file ends before its sequence line"),
    ],
)
def test_bad_fastq_gets_a_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.fq"
    path.write_text(text)
    with pytest.raises(InputFormatError, match=message):
        list(iter_fastq_records(path))


def test_unreadable_gzip_is_an_input_error(tmp_path):
    path = tmp_path / "bad.fq.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(InputFormatError, match="bad.fq.gz: cannot read as FASTQ"):
        list(iter_fastq_records(path))


def test_iter_reads_accepts_fasta_and_fastq(tmp_path):
    fasta = tmp_path / "reads.fa"
    fasta.write_text(">a desc\nACG\nT\n>b\nGG\n")
    fastq = tmp_path / "reads.fq"
    fastq.write_text(GOOD)
    assert list(iter_reads(fasta)) == [("a", "ACGT"), ("b", "GG")]
    assert list(iter_reads(fastq)) == [("r1", "ACGT"), ("r2", "GG")]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "reads.txt: empty reads file"), ("\n \n", "empty reads file"), ("ACGT\n", "not FASTA or FASTQ.*'A'")],
)
def test_iter_reads_rejects_other_files(tmp_path, text, message):
    path = tmp_path / "reads.txt"
    path.write_text(text)
    with pytest.raises(InputFormatError, match=message):
        list(iter_reads(path))


def test_iter_reads_reports_a_missing_file(tmp_path):
    with pytest.raises(InputFormatError, match="missing.fq: cannot read"):
        list(iter_reads(tmp_path / "missing.fq"))


def test_iter_reads_drops_a_leading_byte_order_mark(tmp_path):
    fastq = tmp_path / "bom.fq"
    fastq.write_bytes("\ufeff@r1\nACGT\n+\nIIII\n".encode())
    fasta = tmp_path / "bom.fa"
    fasta.write_bytes("\ufeff>a\nACGT\n".encode())
    assert list(iter_reads(fastq)) == [("r1", "ACGT")]
    assert list(iter_reads(fasta)) == [("a", "ACGT")]
