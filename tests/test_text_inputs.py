"""A text input that is not UTF-8 text (a binary file given by mistake) is one error line naming the file,
the first bad byte and its line, never a UnicodeDecodeError."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.errors import InputFormatError
from rnakit.lncrna.gtf import read_gtf
from rnakit.lncrna.location import read_id_list
from rnakit.seq.fasta import read_fasta
from rnakit.sirna.design.filters import read_variant_positions
from rnakit.tabular import read_delimited
from tests.lncrna.test_cli_filter import one_line_error
from tests.lncrna.test_pipeline import build_case, exons

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def test_design_variants_that_are_binary(tmp_path: Path) -> None:
    variants = tmp_path / "x.vcf"
    variants.write_bytes(PNG)
    result = runner.invoke(app, ["sirna", "design", "--example", "-o", str(tmp_path / "out"), "--variants", str(variants)])
    one_line_error(result, f"{variants}: not a UTF-8 text file (byte 0x89 at line 1)")


def test_lncrna_coding_ids_that_are_gzipped_without_the_name_saying_so(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    case = build_case(tmp_path)
    ids = tmp_path / "coding.txt"
    ids.write_bytes(gzip.compress(b"C1\n"))
    result = runner.invoke(app, ["lncrna", "filter", *(str(a) for a in (
        "--transcripts", case.transcripts, "--genome", case.genome, "--annotation", case.annotation,
        "--coding-ids", ids, "-o", tmp_path / "out"))])
    one_line_error(result, f"{ids}: not a UTF-8 text file (byte 0x8b at line 1)")


READERS: dict[str, tuple[str, bytes, Callable[[Path], object]]] = {
    "fasta": ("t.fa", b">r1\nACGU\nAC\xffGU\n", read_fasta),
    "gzipped fasta": ("t.fa.gz", b">r1\nACGU\nAC\xffGU\n", read_fasta),
    "gtf": ("t.gtf", exons("T1", "+", (1, 10), (20, 30)).encode() + b"chr1\t\xff\n", read_gtf),
    "table": ("t.csv", b"a,b\n1,2\n3,\xff\n", read_delimited),
    "id list": ("ids.txt", b"T1\nT2\nT\xff3\n", read_id_list),
    "variants": ("v.txt", b"1\n2\n\xff\n", lambda path: read_variant_positions(path, "r1")),
}


@pytest.mark.parametrize("reader", READERS)
def test_readers_name_the_file_byte_and_line(tmp_path: Path, reader: str) -> None:
    name, data, read = READERS[reader]
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(InputFormatError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: not a UTF-8 text file (byte 0xff at line 3)"
