"""hybrid search --threads and its progress bar (issue 19, item 5): same hits in the same order on any
number of threads; the bar counts targets on stderr, --quiet silences it."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.hybrid.options import SearchOptions
from rnakit.hybrid.search import hybridise, search

runner = CliRunner()
LET7 = "UGAGGUAGUAGGUUGUAUAGUU"


def _targets(n: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    return [(f"t{i}", "".join(rng.choice("ACGU") for _ in range(300))) for i in range(n)]


def test_threads_give_the_serial_hits_in_the_serial_order() -> None:
    queries, targets = [("let7", LET7), ("q2", "UAGCUUAUCAGACUGAUGUUGA")], _targets(9)
    options = SearchOptions(hits=2)
    expected = [hit for target_id, target in targets for query_id, query in queries
                for hit in hybridise(query, target, options, query_id=query_id, target_id=target_id)]
    finished: list[int] = []
    threaded = list(search(queries, targets, options, threads=3, done=lambda: finished.append(1)))
    assert threaded == expected and len(expected) == 9 * 2 * 2
    assert [(h.target_id, h.query_id) for h in threaded][:4] == [("t0", "let7"), ("t0", "let7"), ("t0", "q2"), ("t0", "q2")]
    assert len(finished) == 9  # one call per target


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_threads_and_the_progress_bar(tmp_path, monkeypatch, quiet) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr("rnakit.cli.console.err", Console(file=buffer, force_terminal=True, width=100))
    (tmp_path / "q.fa").write_text(f">let7\n{LET7}\n")
    (tmp_path / "t.fa").write_text("".join(f">{i}\n{s}\n" for i, s in _targets(5)))
    runs = {}
    for threads in ("1", "2"):
        result = runner.invoke(app, ["hybrid", "search", "-q", str(tmp_path / "q.fa"), "-t", str(tmp_path / "t.fa"),
                                     "--format", "compact", "--threads", threads] + (["--quiet"] if quiet else []))
        assert result.exit_code == 0, result.output
        runs[threads] = result.stdout
    assert runs["1"] == runs["2"] and runs["1"].count("\n") == 5
    assert ("targets searched" in buffer.getvalue()) != quiet
