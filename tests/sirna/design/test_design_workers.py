"""One long target over several processes gives the files of a one-process run, byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rnakit.sirna.design import chunks
from rnakit.sirna.design.design import DesignSettings
from rnakit.sirna.design.runner import run_design
from rnakit.sirna.design.targets import read_targets


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_chunk_bounds_cover_every_row_once_in_order() -> None:
    assert chunks.chunk_bounds(1000, 2) == [(0, 500), (500, 1000)]
    assert chunks.chunk_bounds(1001, 3) == [(0, 500), (500, 1001)]  # a third chunk would be under 500 rows
    assert chunks.chunk_bounds(499, 4) == [(0, 499)]
    assert chunks.chunk_bounds(3000, 3) == [(0, 1000), (1000, 2000), (2000, 3000)]


def test_a_long_target_split_over_three_processes_gives_the_one_process_files(tmp_path, monkeypatch) -> None:
    # 200-row chunks: a 1,300-nt target (1,252 candidates without N) falls in three, so the middle one's RNAplfold
    # region is cut on both sides; an N run drops some candidates and one site repeats in two chunks.
    monkeypatch.setattr(chunks, "MIN_CHUNK_ROWS", 200)
    rng = random.Random(18)
    repeat = "".join(rng.choice("ACGU") for _ in range(30))
    sequence = "".join(rng.choice("ACGU") for _ in range(1270))
    sequence = sequence[:100] + repeat + sequence[130:600] + "NNNN" + sequence[604:1100] + repeat + sequence[1130:]
    assert len(sequence) == 1270
    fasta = tmp_path / "long.fa"
    fasta.write_text(f">long gene=LONG\n{sequence + 'ACGUACGUACGUACGUACGUACGUACGUAC'}\n")
    targets = read_targets(fasta)
    assert len(chunks.chunk_bounds(1300 - 22 - 26, 3)) == 3 and chunks._can_fork()  # 26 windows touch the N run

    run_design(targets, DesignSettings(), tmp_path / "one", workers=1, target_files=[fasta])
    run_design(targets, DesignSettings(), tmp_path / "three", workers=3, target_files=[fasta])

    one, three = tree(tmp_path / "one"), tree(tmp_path / "three")
    assert sorted(one) == sorted(three)
    for name in one:
        assert one[name] == three[name], name
    assert b"long:1:21" in one["candidates.tsv"]


def _one_pass(seed: int):
    """A 160-nt random target's candidate table, three feature groups (thermo between two others: a split
    by group must put the columns back in order), and their features in one pass."""
    from rnakit.sirna.design.candidates import enumerate_candidates
    from rnakit.sirna.design.efficacy import Conditions, candidate_table
    from rnakit.sirna.features import compute_features

    rng = random.Random(seed)
    target = "".join(rng.choice("ACGU") for _ in range(160))
    table = candidate_table(enumerate_candidates(target, [21]), target, "t", None, None, None, Conditions())
    groups = ["rules", "thermo", "target"]
    return table, groups, compute_features(table, groups, cache_dir=None, file="t")


def test_a_short_table_is_shared_out_by_group_a_long_one_by_rows() -> None:
    groups = ["kmers", "rules", "target", "thermo"]
    # The first process never runs numba's programme; the thermo rows go to the others.
    assert chunks._tasks(3000, groups, 2) == [(0, 3000, ["kmers", "rules", "target"]), (0, 3000, ["thermo"])]
    assert chunks._tasks(3000, groups, 3) == [(0, 3000, ["kmers", "rules", "target"]), (0, 1500, ["thermo"]),
                                              (1500, 3000, ["thermo"])]
    rows = chunks.GROUP_SPLIT_ROWS + 1
    assert chunks._tasks(rows, groups, 2) == [(0, rows // 2, groups), (rows // 2, rows, groups)]
    assert chunks._tasks(3000, ["thermo"], 2) == [(0, 1500, ["thermo"]), (1500, 3000, ["thermo"])]
    assert chunks._tasks(3000, groups, 1) == [(0, 3000, groups)]


@pytest.mark.parametrize("split_rows", [0, chunks.GROUP_SPLIT_ROWS])  # by rows, by group
@pytest.mark.parametrize("workers", [1, 2])
def test_chunked_features_equal_one_pass_and_return_what_ran_meanwhile(monkeypatch, workers, split_rows) -> None:
    monkeypatch.setattr(chunks, "MIN_CHUNK_ROWS", 50)
    monkeypatch.setattr(chunks, "GROUP_SPLIT_ROWS", split_rows)
    table, groups, expected = _one_pass(7)
    features, waited = chunks.chunked_features(table, groups, "t", workers, meanwhile=lambda: "model")
    assert waited == "model"
    assert features.index.equals(expected.index)
    assert features.equals(expected)


def test_the_command_shares_one_target_over_its_workers(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from rnakit.cli import app
    from rnakit.cpu import available_cores
    from rnakit.sirna.design import efficacy

    asked = []

    def spy(table, groups, record, workers=1, meanwhile=None, pool=None):
        asked.append(workers)
        return chunks.chunked_features(table, groups, record, 1, meanwhile, pool)

    monkeypatch.setattr(efficacy, "chunked_features", spy)
    fasta = tmp_path / "t.fa"
    rng = random.Random(3)
    fasta.write_text(">t\n" + "".join(rng.choice("ACGU") for _ in range(400)) + "\n")  # some candidates pass
    for option, expected in ((["--workers", "3"], 3), ([], available_cores())):
        result = CliRunner().invoke(app, ["sirna", "design", str(fasta), "-o", str(tmp_path / f"out{expected}"), "-q",
                                          *option])
        assert result.exit_code == 0, result.output
        assert asked[-1] == expected


@pytest.mark.parametrize("split_rows", [0, chunks.GROUP_SPLIT_ROWS])
def test_workers_forked_before_the_rows_exist_give_one_pass_features(monkeypatch, split_rows) -> None:
    monkeypatch.setattr(chunks, "MIN_CHUNK_ROWS", 50)
    monkeypatch.setattr(chunks, "GROUP_SPLIT_ROWS", split_rows)
    table, groups, expected = _one_pass(9)
    with chunks.feature_workers(2, rows=99) as pool:
        assert pool is None  # too few rows to share: nothing forked
    with chunks.feature_workers(2, rows=160) as pool:
        assert pool is not None
        for workers in (2, 1):  # two chunks, then one chunk sent to a worker (this process loads the model)
            features, waited = chunks.chunked_features(table, groups, "t", workers, lambda: "model", pool)
            assert waited == "model" and features.equals(expected)


def test_the_first_process_of_a_split_by_group_never_loads_numba() -> None:
    # Its groups (every one but NUMBA_GROUPS) and the group modules' import must leave numba unloaded.
    import subprocess
    import sys

    code = ("import sys, random\nfrom rnakit.sirna.design import chunks\n"
            "from rnakit.sirna.design.candidates import enumerate_candidates\n"
            "from rnakit.sirna.design.efficacy import Conditions, candidate_table\n"
            "from rnakit.sirna.features import compute_features, groups\n"
            "rng = random.Random(1); target = ''.join(rng.choice('ACGU') for _ in range(120))\n"
            "table = candidate_table(enumerate_candidates(target, [21]), target, 't', None, None, None, Conditions())\n"
            "names = [g for g in groups() if g not in chunks.NUMBA_GROUPS]\n"
            "compute_features(table, names, cache_dir=None, file='t')\n"
            "print('numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
