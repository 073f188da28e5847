"""Design end to end: the example target, off-targets planted by hand, outputs, bad input, many targets."""

from __future__ import annotations

import concurrent.futures
import json
import os
import random
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.outputs import MARKER
from rnakit.sirna.design.options import example_target
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design import runner as design_runner
from rnakit.sirna.design.offtarget import load_or_build_index
from rnakit.sirna.design.targets import read_targets
from rnakit.thermo.nearest_neighbor import melting_temperature

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def random_rna(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


@pytest.fixture(scope="module")
def gapdh_design():
    return design_target(read_targets(example_target())[0], DesignSettings(top=10))


def test_example_is_refseq_gapdh_and_every_passing_candidate_is_scored(gapdh_design) -> None:
    target, c = gapdh_design.target, gapdh_design.candidates
    assert target.record == "NM_002046" and target.gene == "GAPDH" and len(target.sequence) == 1285
    assert len(c) == 1285 - 23 + 1
    assert c["predicted_remaining_pct"].notna().equals(c["passed"]) and 0 < c["passed"].mean() < 1
    # siDirect's seed Tm (0.1 M Na+) is the 1 M Tm of the thermo features lowered by 16.6 °C.
    first = c.iloc[0]
    assert first["seed_tm"] == pytest.approx(melting_temperature(first["guide"][1:8], 1e-4) - 16.6)
    assert c["seed_tm_ok"].equals(c["seed_tm"] < 21.5) and 0 < c["seed_tm_ok"].mean() < 1
    ranked = c[c["rank"].notna()].sort_values("rank")
    assert ranked["passed"].all() and ranked["composite"].is_monotonic_decreasing
    assert len(ranked) == c["passed"].sum()
    top = gapdh_design.top
    assert len(top) == 10 and top["start"].diff().abs().dropna().ge(0).all()
    starts = sorted(top["start"])
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 21  # chosen sites do not overlap


def test_score_rejected_scores_every_candidate_with_the_same_values_for_the_passing_ones(gapdh_design) -> None:
    every = design_target(read_targets(example_target())[0], DesignSettings(top=10, score_rejected=True)).candidates
    default = gapdh_design.candidates
    assert every["predicted_remaining_pct"].notna().all() and every["reynolds_score"].notna().all()
    assert list(every.columns) == list(default.columns)
    passed = default["passed"]
    pd.testing.assert_frame_equal(every[passed], default[passed], check_dtype=False)
    assert default.loc[~passed, ["predicted_remaining_pct", "duplex_dg", "composite"]].isna().all().all()
    assert default.loc[~passed, "seed_tm"].notna().all()  # not an efficacy column: every candidate has it


def test_the_model_prefers_guides_with_an_unstable_5_end(gapdh_design) -> None:
    # Known biology (Khvorova 2003, Schwarz 2003): a guide whose 5' end is less stable than the
    # passenger's is loaded preferentially, so predicted knockdown rises with the asymmetry.
    c = gapdh_design.candidates
    assert c["asymmetry"].corr(c["predicted_knockdown_pct"], method="spearman") > 0.2


def test_off_targets_planted_by_hand(tmp_path) -> None:
    target = random_rna(400, 1)
    fasta = tmp_path / "target.fa"
    fasta.write_text(f">T1 gene=TGT\n{target}\n")
    design_one = read_targets(fasta)[0]
    # Candidate at start 101: its guide's 2–20 complement is target[101:120] (0-based).
    guide = reverse_complement_rna(target[100:121])
    site = reverse_complement_rna(guide[1:20])
    assert site == target[101:120]
    one_mismatch = site[:9] + ("A" if site[9] != "A" else "C") + site[10:]
    transcripts = tmp_path / "tx.fa"
    transcripts.write_text(
        f">T1 gene=TGT\n{target}\n"                                  # the target itself: not an off-target
        f">T1b gene=TGT\n{random_rna(50, 2)}{target}\n"              # an isoform: not an off-target
        f">OFF0 gene=O0\n{random_rna(80, 3)}{site}{random_rna(80, 4)}\n"
        f">OFF1 gene=O1\n{random_rna(80, 5)}{one_mismatch}{random_rna(80, 6)}\n"
        f">BG gene=B\n{random_rna(500, 7)}\n")
    index = load_or_build_index(transcripts, cache_dir=tmp_path / "cache")
    design = design_target(design_one, DesignSettings(), index)
    row = design.candidates.set_index("start").loc[101]
    assert (row["guide_mm0"], row["guide_mm1"]) == (1, 1)
    assert not row["specific"]
    assert {k: design.transcriptome[k] for k in ("transcripts", "excluded_as_target_or_isoform")} == {
        "transcripts": 5, "excluded_as_target_or_isoform": 2}
    assert design.transcriptome["near_perfect_search"] == index.near_perfect_search
    # A guide from elsewhere in the random target has no near-perfect hit among the decoys.
    assert design.candidates.set_index("start").loc[300, ["guide_mm0", "guide_mm1"]].sum() == 0


def test_cli_example_writes_the_four_outputs(tmp_path) -> None:
    out = tmp_path / "design"
    result = run("sirna", "design", "--example", "-o", out, "--top", "5")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["candidates.tsv", "design.json", "efficacy.png", "report.html",
                                                     MARKER, "sites.bed", "top.fasta"]
    candidates = pd.read_csv(out / "candidates.tsv", sep="\t")
    assert len(candidates) == 1263 and {"first_failure", "predicted_remaining_pct", "rank"} <= set(candidates)
    summary = json.loads((out / "design.json").read_text())
    assert summary["target"]["record"] == "NM_002046" and len(summary["top"]) == 5
    assert summary["funnel"][-1]["left"] == summary["passed"] == int(candidates["passed"].sum())
    assert (out / "top.fasta").read_text().count(">") == 10  # guide and passenger of each
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") == 1 and "<table" in report  # the efficacy plot; the funnel is a table


@pytest.mark.parametrize("content, message", [
    ("", "empty FASTA"),
    (">A\nACGU\n>B\nACGU\n", "2 records"),
    (">A\nACGUACGUXXACGUACGUACGUACGU\n", "'X' at position 9"),
    (">A\nACGUACGUNNACGUACGUACGUACGU\n", "no 23-nt window free of ambiguous bases"),
    (">A\nACGUACGUACGU\n", "shorter than one duplex"),
])
def test_cli_bad_targets_fail_cleanly(tmp_path, content, message) -> None:
    fasta = tmp_path / "bad.fa"
    fasta.write_text(content)
    out = tmp_path / "out"
    result = run("sirna", "design", fasta, "-o", out)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.fa"]


def test_cli_transcriptome_that_is_not_fasta(tmp_path) -> None:
    transcriptome = tmp_path / "tx.fa"
    transcriptome.write_text("id,sequence\nA,ACGU\n")
    out = tmp_path / "out"
    result = run("sirna", "design", "--example", "--transcriptome", transcriptome, "-o", out)
    assert result.exit_code == 1 and "not FASTA" in result.output
    assert not out.exists()


def _two_targets(tmp_path: Path) -> Path:
    fasta = tmp_path / "two.fa"
    fasta.write_text(f">first\n{random_rna(120, 8)}\n>second\n{random_rna(150, 9)}\n")
    return fasta


def test_cli_all_records_in_local_processes(tmp_path) -> None:
    out = tmp_path / "many"
    result = run("sirna", "design", _two_targets(tmp_path), "--all-records", "--workers", "2", "-o", out)
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "summary.tsv", sep="\t")
    assert summary["record"].tolist() == ["first", "second"]
    assert summary["candidates"].tolist() == [120 - 22, 150 - 22]
    for record in ("first", "second"):
        assert (out / record / "candidates.tsv").is_file()


@pytest.mark.parametrize("options, threads", [
    (["--workers", "4"], 4),  # 8 cores, 2 targets: 2 processes at once, 4 threads each
    (["--workers", "2", "--threads", "2"], 1),  # --threads is the total the processes share
])
def test_local_processes_share_the_cores_out(tmp_path, monkeypatch, options, threads) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    given: list[int | None] = []
    design_into = design_runner._design_into

    class InProcessPool:  # the process pool, run here so that the test sees what each worker is given
        def __init__(self, max_workers: int, mp_context) -> None:
            # a forked child deadlocks in LightGBM once this process ran it on several threads
            assert mp_context.get_start_method() != "fork"

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def submit(self, function, *arguments):
            future = concurrent.futures.Future()
            future.set_result(function(*arguments))
            return future

        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            return None

    def spy(target, settings, transcriptome, folder, run, keep=False):
        given.append(settings.threads)
        return design_into(target, settings, transcriptome, folder, run, keep)

    monkeypatch.setattr(design_runner, "ProcessPoolExecutor", InProcessPool)
    monkeypatch.setattr(design_runner, "_design_into", spy)
    result = run("sirna", "design", _two_targets(tmp_path), "--all-records", *options, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert given == [threads, threads]


def test_all_records_on_a_local_dask_cluster(tmp_path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        result = run("sirna", "design", _two_targets(tmp_path), "--all-records", "--dask-scheduler",
                     cluster.scheduler_address, "-o", out)
    assert result.exit_code == 0, result.output
    local = tmp_path / "local"
    assert run("sirna", "design", _two_targets(tmp_path), "--all-records", "--workers", "1", "-o", local).exit_code == 0
    for record in ("first", "second"):
        assert (out / record / "candidates.tsv").read_text() == (local / record / "candidates.tsv").read_text()


GUIDE_PATTERN = "n Nf n n n Nf n Nf Nf n n n n Nf n Nf n n n n n"
PASSENGER_PATTERN = "n n n n n n Nf n Nf Nf Nf n n n n n n n n n n L96"


def test_cli_pattern_uses_the_competition_model(tmp_path) -> None:
    out = tmp_path / "modified"
    result = run("sirna", "design", "--example", "-o", out, "--pattern", f"{GUIDE_PATTERN} ; {PASSENGER_PATTERN}",
                 "--conc-nm", "10", "--hours", "24", "--cell-line", "Hep3B Cells", "--score-rejected")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "design.json").read_text())
    assert summary["settings"]["model"] == "default" and summary["settings"]["conditions"]["concentration_nm"] == 10
    assert summary["settings"]["score_rejected"] and summary["scored"] == summary["candidates"]
    modified = pd.read_csv(out / "candidates.tsv", sep="\t")["predicted_remaining_pct"]
    assert modified.notna().all() and modified.std() > 1
    wrong = run("sirna", "design", "--example", "-o", tmp_path / "x", "--pattern", "n Nf n")
    assert wrong.exit_code == 1 and "--modification-pattern" in wrong.output and "3-nt guide;" in wrong.output
    assert not (tmp_path / "x").exists()


def test_cli_variants_reject_overlapping_sites(tmp_path) -> None:
    positions = tmp_path / "snps.txt"
    positions.write_text("NM_002046\t600\n")
    out = tmp_path / "v"
    assert run("sirna", "design", "--example", "-o", out, "--variants", positions).exit_code == 0
    c = pd.read_csv(out / "candidates.tsv", sep="\t").set_index("start")
    # Sites cover start…start+20: the variant at 600 lies in the sites starting at 580–600.
    assert not c.loc[580:600, "pass_variants"].any()
    assert c.loc[[579, 601], "pass_variants"].all()


@pytest.mark.parametrize("options, message", [
    (["--length", "25"], "option '--length': guide length 25 is outside 19–23"),
    (["--length", "a..b"], "option '--length': 'a..b' is not a length"),
    (["--overhang", "5"], "option '--overhang': overhang 5 must be 0–4 nt"),
    (["--gc", "sixty"], "option '--gc': 'sixty' is not a range like 30-64"),
    (["--gc", "90-10"], "option '--gc': 90-10 must satisfy 0 ≤ min ≤ max ≤ 100"),
    (["--conc-nm", "-1"], "option '--conc-nm': -1.0 must be ≥ 0"),
    (["--same-gene", "("], "option '--same-gene': '(' is not a regular expression"),
    (["--skip-filters", "colour"], "option '--skip-filters': unknown filter(s) colour"),
    (["--top", "0"], "option '--top': 0 must be ≥ 1"),
    (["--aligner", "blast"], "option '--aligner': unknown aligner 'blast'"),
    (["--modification-pattern", "esc"], "option '--modification-pattern': pattern 'esc' spells a 23-nt guide"),
])
def test_cli_bad_options_fail_cleanly(tmp_path, options, message) -> None:
    out = tmp_path / "out"
    result = run("sirna", "design", "--example", "-o", out, *options)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()


def test_cli_refuses_an_output_that_is_a_file(tmp_path) -> None:
    out = tmp_path / "taken"
    out.write_text("keep me")
    result = run("sirna", "design", "--example", "-o", out)
    assert result.exit_code == 1 and "not a folder" in result.output
    assert out.read_text() == "keep me"
