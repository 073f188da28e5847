"""RNAhybrid-compatible output formats, checked against text the real RNAhybrid 2.1.2 printed.

Every expected drawing below was produced once by the RNAhybrid binary (Debian ``rnahybrid``
2.1.2, ``RNAhybrid [-c] -s 3utr_human TARGET QUERY``) and pasted here, so these tests need no binary.
Pairs are written by hand as helices read off the drawings.
"""

from __future__ import annotations

import io
import json

import pytest

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.hybrid.formats import (
    TSV_COLUMNS,
    duplex_lines,
    format_compact,
    format_rnahybrid,
    hit_position,
    hit_record,
    pairs_from_lines,
    parse_compact,
    write_hits,
)
from rnakit.hybrid.hit import Hit
from tests.conftest import shared_data_or_skip

WATSON_CRICK_OR_GU = {"AU", "UA", "GC", "CG", "GU", "UG"}


def helix(target_start: int, query_start: int, length: int) -> list[tuple[int, int]]:
    """``length`` stacked pairs: target indices rising from target_start, query falling from query_start."""
    return [(target_start + i, query_start - i) for i in range(length)]


def rna(sequence: str) -> str:
    return sequence.upper().replace("T", "U")


# --- the example quoted in shared/data/mirna_clash/SOURCE.md -------------------------------------

SOURCE_TARGET = "ATGTCAACCTACCTACTTCTAAGCACAGGGTATGAAGCTCTCTTTCCACT"
SOURCE_QUERY = "TGAGGTAGTAGGTTGTATAG"
SOURCE_LINE = (
    "ATGTCAACCTACCTACTTCTAAGCACAGGGTATGAAGCTCTCTTTCCACT:49:TGAGGTAGTAGGTTGTATAG:19:-23.5:0.003457:1:"
    "A           C       U: UGU CAACCUA CUACUUC : AUA GUUGGAU GAUGGAG :    U               U"
)
# Read off the drawing by hand. RNAhybrid hybridised the sequences minus their last nt (its FASTA
# reader drops the final character of a file without a trailing newline), hence lengths 49/19 and
# no query G20 in the drawing. Target ATGT... : A1 dangles, U2-G3-U4 pair query A19-U18-A17; query
# U16 bulges; target C5..A11 pair query G15..U9; target C12 bulges; target C13..C19 pair query
# G8..G2; target U20 dangles opposite the unpaired query U1.
SOURCE_PAIRS = helix(1, 18, 3) + helix(4, 14, 7) + helix(12, 7, 7)


def test_source_example_fields() -> None:
    parsed = parse_compact(SOURCE_LINE)
    assert parsed.target == SOURCE_TARGET
    assert parsed.query == SOURCE_QUERY
    assert (parsed.target_length, parsed.query_length) == (49, 19)
    assert parsed.energy == -23.5
    assert parsed.p_value == pytest.approx(0.003457)
    assert parsed.position == 1
    assert parsed.lines == (
        "A           C       U",
        " UGU CAACCUA CUACUUC ",
        " AUA GUUGGAU GAUGGAG ",
        "    U               U",
    )


def test_source_example_pairs_by_hand() -> None:
    parsed = parse_compact(SOURCE_LINE)
    pairs = pairs_from_lines(parsed.lines, parsed.position)
    assert list(pairs) == SOURCE_PAIRS
    target, query = rna(SOURCE_TARGET), rna(SOURCE_QUERY)
    # a few pairs checked letter by letter (1-based: target U2 : query A19, target U17 : query G4, a G:U pair)
    assert (target[1], query[18]) == ("U", "A")
    assert (target[16], query[3]) == ("U", "G")
    assert (1, 18) in pairs and (16, 3) in pairs
    assert all(target[t] + query[q] in WATSON_CRICK_OR_GU for t, q in pairs)


def test_source_example_rebuilds_the_line() -> None:
    hit = Hit(
        target_id=SOURCE_TARGET, query_id=SOURCE_QUERY,
        target=rna(SOURCE_TARGET[:49]), query=rna(SOURCE_QUERY[:19]),
        energy=-23.5, pairs=tuple(SOURCE_PAIRS), p_value=0.003457,
    )
    assert format_compact(hit) == SOURCE_LINE
    assert hit_position(hit) == 1


# --- hand-made hits, drawn by the binary ---------------------------------------------------------

T31 = "AAAAAAGCAAUACUGAUUACAAGGUGAAAAA"  # site GCAAUACUGAUUACAAGGUGA at target index 6..26

# (name, target, query, pairs, energy, p-value, RNAhybrid -c line)
BINARY_CASES = [
    (
        "internal loop 1x1",
        "AAAAAAGCAAUACUGACUACAAGGUGAAAAA", "UCACCUUGUAAUCAGUAUUGC",
        helix(6, 20, 10) + helix(17, 9, 10), -35.5, 0.0,
        "command_line:31:command_line:21:-35.5:0.000000:6:A          C          A: GCAAUACUGA UACAAGGUGA "
        ": CGUUAUGACU AUGUUCCACU :           A           ",
    ),
    (
        "internal loop 2 target x 5 query",
        "AAAAAAGCAAUACUGCCUACAAGGUGAAAAA", "UCACCUUGUAAACAUCAGUAUUGC",
        helix(6, 23, 9) + helix(17, 9, 10), -31.0, 0.000017,
        "command_line:31:command_line:24:-31.0:0.000017:6:A         CC             A: GCAAUACUG     "
        "UACAAGGUGA : CGUUAUGAC     AUGUUCCACU :          UACAA           ",
    ),
    (
        "internal loop 5 target x 1 query",
        "AAAAAAGCAAUACUGAACCCUACAAGGUGAAAAA", "UCACCUUGUACCAGUAUUGC",
        helix(6, 19, 9) + helix(20, 9, 10), -30.9, 0.000007,
        "command_line:34:command_line:20:-30.9:0.000007:6:A         AACCC          A: GCAAUACUG     "
        "UACAAGGUGA : CGUUAUGAC     AUGUUCCACU :          C               ",
    ),
    (
        "bulge in the query",
        T31, "UCACCUUGUAAUCAGCAGCAGUAUUGC",
        helix(6, 26, 7) + helix(13, 13, 14), -32.7, 0.000027,
        "command_line:31:command_line:27:-32.7:0.000027:6:A                           A: GCAAUAC      "
        "UGAUUACAAGGUGA : CGUUAUG      ACUAAUGUUCCACU :        ACGACG               ",
    ),
    (
        "bulge in the target",
        T31, "UCACCUUGUAUCAGUAUUGC",
        helix(6, 19, 10) + helix(17, 9, 10), -34.5, 0.0,
        "command_line:31:command_line:20:-34.5:0.000000:6:A          U          A: GCAAUACUGA UACAAGGUGA "
        ": CGUUAUGACU AUGUUCCACU :                       ",
    ),
    (
        "unpaired query 3' end, site at the target's 3' end",
        "AAAAAAGCAAUACUGAUUACAAGGUGA", "UCACCUUGUAAUCAGUAUUGCAAA",
        helix(6, 20, 21), -40.1, 0.0,
        "command_line:27:command_line:24:-40.1:0.000000:6:  A                     :   GCAAUACUGAUUACAAGGUGA"
        ":   CGUUAUGACUAAUGUUCCACU:AAA                     ",
    ),
    (
        "unpaired query 5' end",
        T31, "GGGUCACCUUGUAAUCAGUAUUGC",
        helix(6, 23, 21), -39.4, 0.0,
        "command_line:31:command_line:24:-39.4:0.000000:6:A                     A  : GCAAUACUGAUUACAAGGUGA   "
        ": CGUUAUGACUAAUGUUCCACU   :                      GGG",
    ),
    (
        "site at target nt 1 (position 1, not 0)",
        "GCAAUACUGAUUACAAGGUGAAAAAAA", "UCACCUUGUAAUCAGUAUUGC",
        helix(0, 20, 21), -39.0, 0.0,
        "command_line:27:command_line:21:-39.0:0.000000:1:                     A:GCAAUACUGAUUACAAGGUGA :"
        "CGUUAUGACUAAUGUUCCACU :                      ",
    ),
    (
        "long query 3' tail: position is the dangle, in column 8",
        "CCCCCGCAAUACUGAUACAAGGUGAGGGG", "UCACCUUGUAUCAGUAUUGCUCUCUCUC",
        helix(5, 19, 20), -39.6, 0.0,
        "command_line:29:command_line:28:-39.6:0.000000:5:       C                    G:        "
        "GCAAUACUGAUACAAGGUGA :        CGUUAUGACUAUGUUCCACU :CUCUCUCU                     ",
    ),
]


@pytest.mark.parametrize(
    ("target", "query", "pairs", "energy", "p_value", "line"),
    [case[1:] for case in BINARY_CASES], ids=[case[0] for case in BINARY_CASES],
)
def test_binary_drawings(target, query, pairs, energy, p_value, line) -> None:
    assert all(target[t] + query[q] in WATSON_CRICK_OR_GU for t, q in pairs)  # the hand-read pairs
    hit = Hit("command_line", "command_line", target, query, energy, tuple(pairs), p_value)
    assert format_compact(hit) == line
    assert duplex_lines(hit) == tuple(line.split(":")[7:])
    assert hit_position(hit) == int(line.split(":")[6])
    parsed = parse_compact(line)
    assert list(parsed.pairs) == pairs
    assert parsed.to_hit(target, query) == hit


SITE_C = Hit("site_C", "miR-test", "AAAAAAGCAAUACUGCCUACAAGGUGAAAAA", "UCACCUUGUAAACAUCAGUAUUGC",
             -31.0, tuple(helix(6, 23, 9) + helix(17, 9, 10)), 0.000017)
SITE_C_BLOCK = (  # RNAhybrid -s 3utr_human -t site_C.fa -q miR-test.fa
    "target: site_C\n"
    "length: 31\n"
    "miRNA : miR-test\n"
    "length: 24\n"
    "\n"
    "mfe: -31.0 kcal/mol\n"
    "p-value: 0.000017\n"
    "\n"
    "position  6\n"
    "target 5' A         CC             A 3'\n"
    "           GCAAUACUG     UACAAGGUGA    \n"
    "           CGUUAUGAC     AUGUUCCACU    \n"
    "miRNA  3'           UACAA            5'\n"
    "\n"
    "\n"
)
SITE_H = Hit("site_H", "miR-tail", "CCCCCGCAAUACUGAUACAAGGUGAGGGG", "UCACCUUGUAUCAGUAUUGCUCUCUCUC",
             -39.6, tuple(helix(5, 19, 20)), 0.0)
SITE_H_BLOCK = (
    "target: site_H\nlength: 29\nmiRNA : miR-tail\nlength: 28\n\nmfe: -39.6 kcal/mol\n"
    "p-value: 0.000000\n\nposition  5\ntarget 5'        C                    G 3'\n"
    "                  GCAAUACUGAUACAAGGUGA    \n                  CGUUAUGACUAUGUUCCACU    \n"
    "miRNA  3' CUCUCUCU                      5'\n\n\n"
)


def test_rnahybrid_blocks() -> None:
    assert format_rnahybrid(SITE_C) == SITE_C_BLOCK
    assert format_rnahybrid(SITE_H) == SITE_H_BLOCK
    out = io.StringIO()
    write_hits([SITE_C, SITE_H], out, "rnahybrid")
    assert out.getvalue() == SITE_C_BLOCK + SITE_H_BLOCK


def test_dna_and_lower_case_are_drawn_as_upper_case_rna() -> None:
    hit = Hit("t", "q", "aaaaaagcaauacugauuacaagguga", "TCACCTTGTAATCAGTATTGCAAA", -40.1, tuple(helix(6, 20, 21)))
    assert duplex_lines(hit) == tuple(BINARY_CASES[5][-1].split(":")[7:])


def test_missing_p_value_is_nan() -> None:
    hit = Hit("site_C", "miR-test", SITE_C.target, SITE_C.query, SITE_C.energy, SITE_C.pairs, None)
    assert "\np-value: nan\n" in format_rnahybrid(hit)
    line = format_compact(hit)
    assert line.split(":")[5] == "nan"
    assert parse_compact(line).p_value is None
    assert float(line.split(":")[5]) != float(line.split(":")[5])  # old float() parsers get NaN


def test_compact_rejects_ids_with_a_colon() -> None:
    hit = Hit("chr1:100-150", "miR", SITE_C.target, SITE_C.query, -31.0, SITE_C.pairs)
    with pytest.raises(InputFormatError, match="target_id"):
        format_compact(hit)


# --- the 4,000 RNAhybrid lines of the miRBind CLASH test set -------------------------------------

def test_clash_file_round_trip() -> None:
    path = shared_data_or_skip() / "mirna_clash" / "test_set_1_1_CLASH2013_paper_RNAhybrid.txt"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = handle.read().splitlines()  # the file has CRLF line ends; the fields keep their spaces
    assert len(rows) == 4000
    for row, line in enumerate(rows, start=1):
        parsed = parse_compact(line, file=str(path), row=row)
        # the target/miRNA fields are FASTA names (full DNA sequences); RNAhybrid hybridised them
        # minus their last nt, which is what the length fields count
        assert (len(parsed.target), len(parsed.query)) == (parsed.target_length + 1, parsed.query_length + 1), row
        target, query = rna(parsed.target[:parsed.target_length]), rna(parsed.query[:parsed.query_length])
        pairs = pairs_from_lines(parsed.lines, parsed.position, file=str(path), row=row)
        assert all(target[t] + query[q] in WATSON_CRICK_OR_GU for t, q in pairs), row
        hit = Hit(parsed.target, parsed.query, target, query, parsed.energy, pairs, parsed.p_value)
        assert format_compact(hit) == line, row


# --- malformed compact lines ---------------------------------------------------------------------

def _replace_field(index: int, value: str) -> str:
    fields = SOURCE_LINE.split(":")
    fields[index] = value
    return ":".join(fields)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (_replace_field(1, "forty"), "target_length"),
        (_replace_field(3, "-2"), "query_length"),
        (_replace_field(4, "-23,5"), "mfe"),
        (_replace_field(5, "1.7"), "p_value"),
        (_replace_field(6, "0"), "position"),
        (_replace_field(6, "45"), "position"),  # the drawing would run past the 49-nt target
        (_replace_field(3, "20"), "line4"),  # the drawing holds 19 query nts
        (_replace_field(0, ""), "target"),
        (_replace_field(8, " UGU CAACCUA CUACUUCA"), "line2"),  # a target nt paired with nothing
        (_replace_field(9, " AUA GUUGGAU GAUGG-G "), "line3"),
    ],
)
def test_malformed_field_names_file_row_and_field(line: str, field: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        parse_compact(line, file="hits.txt", row=7)
    message = str(caught.value)
    assert message.startswith("hits.txt: row 7: ")
    assert f"column '{field}'" in message
    assert caught.value.column == field


@pytest.mark.parametrize("line", [SOURCE_LINE + ":extra", SOURCE_LINE.rsplit(":", 1)[0], "", "not a hit line"])
def test_wrong_field_count(line: str) -> None:
    with pytest.raises(InputFormatError, match=r"^hits.txt: row 3: expected 11 colon-separated fields"):
        parse_compact(line, file="hits.txt", row=3)


def test_lines_without_trailing_spaces_still_parse() -> None:
    lines = tuple(line.rstrip() for line in SOURCE_LINE.split(":")[7:])
    assert list(pairs_from_lines(lines, 1)) == SOURCE_PAIRS


def test_to_hit_rejects_other_sequences() -> None:
    parsed = parse_compact(SOURCE_LINE)
    with pytest.raises(InputFormatError):
        parsed.to_hit(SOURCE_TARGET, SOURCE_QUERY)  # 50/20 nt, the line says 49/19
    with pytest.raises(InputFormatError, match="differ"):
        parsed.to_hit("C" + SOURCE_TARGET[1:49], SOURCE_QUERY[:19])


# --- tsv and json --------------------------------------------------------------------------------

DOCUMENTED_COLUMNS = (
    "target_id", "query_id", "energy", "p_value", "position", "target_first", "target_last",
    "query_first", "query_last", "n_pairs", "target_structure", "query_structure",
)
# SITE_C by hand: pairs target 7..15 and 18..27 (1-based), loop CC at 16-17; query 1..10 and 16..24
SITE_C_RECORD = {
    "target_id": "site_C", "query_id": "miR-test", "energy": -31.0, "p_value": 0.000017,
    "position": 6, "target_first": 7, "target_last": 27, "query_first": 1, "query_last": 24,
    "n_pairs": 19, "target_structure": "(((((((((..((((((((((",
    "query_structure": ")))))))))).....)))))))))",
}


def test_hit_record() -> None:
    assert TSV_COLUMNS == DOCUMENTED_COLUMNS
    assert hit_record(SITE_C) == SITE_C_RECORD


def test_tsv_writer() -> None:
    no_p = Hit("site_H", "miR-tail", SITE_H.target, SITE_H.query, -39.6, SITE_H.pairs, None)
    out = io.StringIO()
    write_hits([SITE_C, no_p], out, "tsv")
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert rows[0] == list(DOCUMENTED_COLUMNS)
    assert rows[1] == ["site_C", "miR-test", "-31.0", "1.7e-05", "6", "7", "27", "1", "24", "19",
                       "(((((((((..((((((((((", ")))))))))).....)))))))))"]
    assert rows[2][:6] == ["site_H", "miR-tail", "-39.6", "", "5", "6"]
    assert rows[2][10:] == ["(" * 20, ")" * 20 + "." * 8]
    assert len(rows) == 3


def test_json_writer() -> None:
    out = io.StringIO()
    no_p = Hit("site_C", "miR-test", SITE_C.target, SITE_C.query, -31.0, SITE_C.pairs, None)
    write_hits([SITE_C, no_p], out, "json")
    records = json.loads(out.getvalue())
    assert records[0] == SITE_C_RECORD
    assert list(records[0]) == list(DOCUMENTED_COLUMNS)
    assert records[1]["p_value"] is None


def test_compact_writer_and_unknown_format() -> None:
    out = io.StringIO()
    write_hits([SITE_C], out, "compact")
    assert out.getvalue() == (
        "site_C:31:miR-test:24:-31.0:0.000017:6:A         CC             A: GCAAUACUG     UACAAGGUGA "
        ": CGUUAUGAC     AUGUUCCACU :          UACAA           \n"
    )
    with pytest.raises(ValueRangeError, match="unknown output format"):
        write_hits([SITE_C], io.StringIO(), "gff")
