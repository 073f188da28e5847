import gzip

import pytest

from rnakit.errors import InputFormatError
from rnakit.seq.fasta import read_fasta


def test_reads_records_in_order_with_first_word_as_id(tmp_path):
    path = tmp_path / "t.fa"
    path.write_text(">NM_1 some gene\nACGU\nAC\n>NM_2\nGG\n")
    assert read_fasta(path) == {"NM_1": "ACGUAC", "NM_2": "GG"}


def test_reads_gzip(tmp_path):
    path = tmp_path / "t.fa.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(">a\nACGU\n")
    assert read_fasta(path) == {"a": "ACGU"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty FASTA"),
        ("ACGU\n", "not FASTA"),
        (">a\nACGU\n>b\n", "record b: record has no sequence"),
        (">a\nAC\n>a\nGG\n", "record a: duplicate record id"),
    ],
)
def test_bad_fasta_gets_a_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.fa"
    path.write_text(text)
    with pytest.raises(InputFormatError, match=message):
        read_fasta(path)


@pytest.mark.parametrize("name", ["bom.fa", "bom.fa.gz"])
def test_a_leading_byte_order_mark_is_dropped(tmp_path, name):
    # Windows editors start UTF-8 files with U+FEFF; it is no part of the first header.
    path = tmp_path / name
    data = "\ufeff>NM_1 gene\nACGU\n>NM_2\nGG\n".encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert read_fasta(path) == {"NM_1": "ACGU", "NM_2": "GG"}


def test_fasta_pairs_read_as_biopythons_simple_parser():
    # rnakit's reader replaced Bio.SeqIO's (whose import loads every format's parser): same records on
    # random texts with comments before the first header, blank lines, spaces, CRLF and empty headers.
    import io
    import random

    from Bio.SeqIO.FastaIO import SimpleFastaParser

    from rnakit.seq.fasta import fasta_pairs

    rng = random.Random(5)
    pieces = [">", ">a b", "> x", "ACG U", "AC\r", "", " ", "ggg  ", ";c", ">>q", "N N\t"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) + rng.choice(["\n", "\r\n"]) for _ in range(rng.randint(0, 7)))
        assert list(fasta_pairs(io.StringIO(text))) == list(SimpleFastaParser(io.StringIO(text))), repr(text)


def test_reading_fasta_does_not_import_bio_seqio():
    import subprocess
    import sys

    code = "import sys, rnakit.seq.fasta; print('Bio.SeqIO' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
