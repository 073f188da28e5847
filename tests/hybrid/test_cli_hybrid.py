"""``rnakit hybrid search`` and ``pairs`` driven as a user would: outputs, p-values, bad input."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.hybrid.formats import TSV_COLUMNS, parse_compact
from rnakit.seq.alphabet import reverse_complement_rna

LET7A = "UGAGGUAGUAGGUUGUAUAGUU"
MIR1 = "UGGAAUGUAAAGAAGUAUGUAU"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def filler(n: int, seed: int) -> str:
    """Random sequence without a let-7a or miR-1 seed match (so only planted sites are strong)."""
    rng = random.Random(seed)
    while True:
        text = "".join(rng.choice("ACGU") for _ in range(n))
        if all(reverse_complement_rna(q[1:7]) not in text for q in (LET7A, MIR1)):
            return text


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def files(tmp_path):
    site = reverse_complement_rna(LET7A)
    target = filler(60, 1) + site + filler(60, 2)
    (tmp_path / "q.fa").write_text(f">let-7a\n{LET7A}\n>miR-1\n{MIR1}\n")
    (tmp_path / "t.fa").write_text(f">utr1 some 3'UTR\n{target[:70]}\n{target[70:]}\n>utr2\n{filler(150, 3)}\n")
    return tmp_path, target


def test_search_compact_finds_the_planted_site(files):
    folder, target = files
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "compact")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 4  # 2 targets × 2 queries, target-major as RNAhybrid
    parsed = [parse_compact(line) for line in lines]
    assert [(p.target, p.query) for p in parsed] == [("utr1", "let-7a"), ("utr1", "miR-1"), ("utr2", "let-7a"), ("utr2", "miR-1")]
    best = parsed[0]
    # the site is target 61–82 (1-based); RNAhybrid's position is the 5' dangling nt drawn before it
    assert best.position == 60
    assert best.pairs == tuple((60 + k, 21 - k) for k in range(22))  # every query nt paired
    assert best.energy < -35 and best.energy < min(p.energy for p in parsed[1:])


def test_search_tsv_json_and_output_file(files):
    folder, _ = files
    out = folder / "hits.tsv"
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "tsv", "-b", "2", "-o", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, sep="\t")
    assert tuple(table.columns) == TSV_COLUMNS and len(table) == 8
    assert table["p_value"].isna().all()
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "json", "-e", "-30")
    records = json.loads(result.stdout)
    assert [(r["target_id"], r["query_id"]) for r in records] == [("utr1", "let-7a")]


def test_search_p_values_calibrated_and_fixed(files):
    folder, _ = files
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "json",
                 "--p-values", "calibrate")
    assert result.exit_code == 0, result.output
    p = {(r["target_id"], r["query_id"]): r["p_value"] for r in json.loads(result.stdout)}
    assert all(0 < v <= 1 for v in p.values())
    assert p[("utr1", "let-7a")] < 1e-3 < min(v for k, v in p.items() if k != ("utr1", "let-7a"))
    # a fixed law: p = 1 − exp(−exp(−(x − μ)/β)) with x = −mfe / ln(m·n), checked by hand
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "json", "-d", "2,0.3")
    record = json.loads(result.stdout)[0]
    import math
    x = -record["energy"] / math.log(142 * 22)
    assert record["p_value"] == pytest.approx(1 - math.exp(-math.exp(-(x - 2) / 0.3)), rel=1e-3)
    filtered = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "json", "-d", "2,0.3", "-p", "0.01")
    assert [(r["target_id"], r["query_id"]) for r in json.loads(filtered.stdout)] == [("utr1", "let-7a")]


def test_search_p_values_from_the_shipped_set(files):
    folder, _ = files
    result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", "--format", "json", "-s", "3utr_human")
    assert result.exit_code == 0, result.output
    p = {(r["target_id"], r["query_id"]): r["p_value"] for r in json.loads(result.stdout)}
    assert all(0 < v <= 1 for v in p.values())
    assert p[("utr1", "let-7a")] < 1e-3 < min(v for k, v in p.items() if k != ("utr1", "let-7a"))
    for extra, message in ((("-s", "3utr_fly"), "option '--p-values': unknown mode or parameter set '3utr_fly' "
                                                "(known: none, calibrate, 3utr_human)"),
                           (("-s", "3utr_human", "-d", "2,0.3"), "option '--evd': give one of --p-values and --evd, not both")):
        result = run("hybrid", "search", "-q", folder / "q.fa", "-t", folder / "t.fa", *extra)
        assert result.exit_code == 1 and message in result.output


def test_pairs_scores_each_row_with_seed_types(tmp_path):
    site8 = filler(20, 4) + reverse_complement_rna(LET7A[1:8]) + "A" + filler(20, 5)  # 8mer: m2–m8 + A1
    site6 = filler(20, 6) + reverse_complement_rna(MIR1[1:7]) + "C" + filler(20, 7)  # 6mer: m2–m7 only
    table = pd.DataFrame({"name": ["a", "b", "c"], "mirna": [LET7A, MIR1, LET7A.replace("U", "T")],
                          "site": [site8, site6, filler(40, 8)]})
    path = tmp_path / "pairs.tsv"
    table.to_csv(path, sep="\t", index=False)
    out = tmp_path / "scored.tsv"
    result = run("hybrid", "pairs", path, "--query-col", "mirna", "--target-col", "site", "-o", out, "-f", "2,7")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out, sep="\t")
    assert list(scored["name"]) == ["a", "b", "c"]
    assert scored.loc[0, "seed_type"] == "8mer" and scored.loc[1, "seed_type"] == "6mer"
    assert scored.loc[0, "seed_helix"] and scored.loc[0, "seed_unpaired"] == 0
    assert scored["mfe"].notna().all()


@pytest.mark.parametrize("content, args, message", [
    (">q1\nUGAGGUAGUAGGUUGUAUAGUUUGAGGUAGUA\n", (), "q.fa: record q1: column 'query': 32 nt is longer than the 30 nt allowed"),
    (">q1\nUGAGGXAG\n", (), "q.fa: record q1: column 'query': letter 'X' at position 6"),
    ("", (), "q.fa"),
    (">q1\nUGAGGUAG\n", ("-f", "2,9"), "q.fa: record q1: option '--helix': ends at 9 but the query is 8 nt"),
    (">q1\nUGAGGUAG\n", ("-f", "two"), "option '--helix': 'two' is not FROM,TO (two whole numbers)"),
    (">q1\nUGAGGUAG\n", ("--format", "xml"), "option '--format': unknown format 'xml'"),
    (">q1\nUGAGGUAG\n", ("-p", "0.05"), "option '--p-cutoff': a p-value cut-off needs p-values (--p-values or --evd)"),
    (">q1\nUGAGGUAG\n", ("-d", "2,-1"), "option '--evd': scale -1 must be > 0"),
    (">q1\nUGAGGUAG\n", ("-u", "40"), "option '--max-internal': 40 is outside 0–30"),
    (">chr1:5-12\nUGAGGUAG\n", ("--format", "compact"), "record chr1:5-12: column 'query': an id with ':' cannot"),
])
def test_search_bad_input_one_line_and_no_output(tmp_path, content, args, message):
    (tmp_path / "q.fa").write_text(content)
    (tmp_path / "t.fa").write_text(">t\nACGUACGUACGU\n")
    out = tmp_path / "hits.txt"
    result = run("hybrid", "search", "-q", tmp_path / "q.fa", "-t", tmp_path / "t.fa", "-o", out, *args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("text, message", [
    ("mirna\tsite\n", "header but no data rows"),
    ("mirna\tother\nACGU\tACGU\n", "site"),
    ("mirna\tsite\nUGAGGUAG\tACGZ\n", "row 2: column 'site': letter 'Z' at position 4"),
])
def test_pairs_bad_input(tmp_path, text, message):
    path = tmp_path / "pairs.tsv"
    path.write_text(text)
    out = tmp_path / "out.tsv"
    result = run("hybrid", "pairs", path, "--query-col", "mirna", "--target-col", "site", "-o", out)
    assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists()
