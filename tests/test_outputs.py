"""Outputs never destroy inputs or files rnakit did not write (rnakit.outputs and every writing command)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnakit.errors import OutputError
from rnakit.outputs import MARKER, check_output_file, check_output_folder, output_folder, verify_output
from rnakit.sirna.models.registry import load_model
from tests.test_cli import EXAMPLES, one_line_error, run

QUERY = ">let7\nUGAGGUAGUAGGUUGUAUAGUU\n"
TARGET = ">t1\n" + "ACGUAGCUAGCUAGGCAUCGAUCGAUGCUAGCUACUAUACAACCUACUACCUCAGCAUCGAUCGAUCGACUAGCUAGCAUCG\n"


def _fasta(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# Each command that writes one file, with its input named as its own output.
SAME_FILE_CASES = {
    "sirna predict": lambda d: ["sirna", "predict", "--model", "default", "--data", d / "x.csv", "-o", d / "x.csv"],
    "sirna features": lambda d: ["sirna", "features", d / "x.csv", "--groups", "composition", "-o", d / "x.csv"],
    "hybrid search": lambda d: ["hybrid", "search", "-q", d / "q.fa", "-t", d / "t.fa", "-o", d / "t.fa"],
    "hybrid pairs": lambda d: ["hybrid", "pairs", d / "pairs.tsv", "--query-col", "q", "--target-col", "t",
                               "-o", d / "pairs.tsv"],
    "lncrna coding-potential": lambda d: ["lncrna", "coding-potential", d / "t.fa", "-o", d / "t.fa"],
    "graph assemble": lambda d: ["graph", "assemble", d / "t.fa", "-k", "5", "--min-count", "1", "-o", d / "t.fa"],
    "graph kmer-graph": lambda d: ["graph", "kmer-graph", d / "t.fa", "-o", d / "t.fa"],
    "via a link": lambda d: ["sirna", "predict", "--model", "default", "--data", d / "x.csv", "-o", d / "link.csv"],
}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "tiny_sirna.csv", tmp_path / "x.csv")
    _fasta(tmp_path / "q.fa", QUERY)
    _fasta(tmp_path / "t.fa", TARGET)
    (tmp_path / "pairs.tsv").write_text("q\tt\nUGAGGUAGUAGGUUGUAUAGUU\tCUAUACAACCUACUACCUCA\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "x.csv")
    return tmp_path


@pytest.mark.parametrize("case", sorted(SAME_FILE_CASES))
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(inputs, case):
    before = {p.name: p.read_bytes() for p in inputs.iterdir() if p.is_file()}
    args = [str(a) for a in SAME_FILE_CASES[case](inputs)]
    assert "is also an input" in one_line_error(run(*args))
    assert {p.name: p.read_bytes() for p in inputs.iterdir() if p.is_file()} == before


def test_a_one_file_output_that_is_a_folder_is_refused(inputs):
    (inputs / "d").mkdir()
    line = one_line_error(run("sirna", "predict", "--model", "default", "--data", str(inputs / "x.csv"),
                              "-o", str(inputs / "d")))
    assert "is a folder" in line


def test_a_missing_parent_folder_is_created_and_said(inputs):
    result = run("sirna", "predict", "--model", "default", "--data", str(inputs / "x.csv"),
                 "-o", str(inputs / "new" / "p.csv"))
    assert result.exit_code == 0, result.output
    assert "creating folder" in result.stderr and (inputs / "new" / "p.csv").is_file()


def test_design_never_replaces_a_folder_rnakit_did_not_write(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "precious.txt").write_text("keep")
    assert "was not written by rnakit" in one_line_error(run("sirna", "design", "--example", "-o", str(out)))
    assert [p.name for p in out.iterdir()] == ["precious.txt"]
    # --force writes rnakit's files beside the user's and keeps them.
    assert run("sirna", "design", "--example", "-o", str(out), "--force").exit_code == 0
    assert (out / "precious.txt").read_text() == "keep" and (out / "candidates.tsv").is_file()


def test_design_replaces_its_own_earlier_output_but_not_another_commands(tmp_path):
    out = tmp_path / "d"
    assert run("sirna", "design", "--example", "-o", str(out), "--top", "3").exit_code == 0
    first = json.loads((out / MARKER).read_text())
    assert first["command"] == "rnakit sirna design" and "candidates.tsv" in first["files"]
    assert run("sirna", "design", "--example", "-o", str(out), "--top", "5").exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name != "d"]  # no scratch or old copy left beside it
    line = one_line_error(run("sirna", "train", "--data", str(EXAMPLES / "tiny_sirna.csv"), "--cv", "none",
                              "--out", str(out)))
    assert "holds the output of 'rnakit sirna design'" in line


def test_the_current_folder_and_folders_holding_inputs_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "is the current folder" in one_line_error(run("sirna", "design", "--example", "-o", "."))
    assert "is the current folder" in one_line_error(run("sirna", "design", "--example", "-o", ".."))
    target = _fasta(tmp_path / "t" / "target.fa", TARGET) if (tmp_path / "t").mkdir() is None else None
    line = one_line_error(run("sirna", "design", str(target), "-o", str(tmp_path / "t"), "--force"))
    assert "holds an input" in line and target.read_text() == TARGET


def test_a_folder_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "run").write_text("x")
    line = one_line_error(run("sirna", "train", "--data", str(EXAMPLES / "tiny_sirna.csv"), "--out", str(tmp_path / "run")))
    assert "exists and is not a folder" in line


def test_a_place_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_file(tmp_path / "file" / "out.csv")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_folder(tmp_path / "file" / "run", command="rnakit sirna train")


def test_a_read_only_folder_is_one_line_not_a_traceback(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    script = "import sys; from rnakit.cli import main; sys.argv[0] = 'rnakit'; main()"
    command = [sys.executable, "-c", script, "sirna", "design", "--example", "-o", str(locked / "d")]
    if os.geteuid() != 0:
        locked.chmod(0o555)
    else:  # permission bits do not stop root: make the folder a read-only mount in a private namespace
        if shutil.which("unshare") is None or subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
            pytest.skip("running as root without a private mount namespace: no way to make a folder read-only")
        where = shlex.quote(str(locked))
        mount = f"mount --bind {where} {where} && mount -o remount,bind,ro {where} || exit 99; exec \"$@\""
        command = ["unshare", "--mount", "sh", "-c", mount, "sh", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode == 99:
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.strip()}")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "cannot write in folder" in lines[0], done.stderr
    assert list(locked.iterdir()) == []


def _train(out: Path, *extra: str):
    return run("sirna", "train", "--data", str(EXAMPLES / "tiny_sirna.csv"), "--out", str(out), *extra)


def test_an_interrupted_training_leaves_the_earlier_run_whole(tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    assert _train(run_dir, "--cv", "random", "--folds", "2").exit_code == 0
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C while the model is being saved

    monkeypatch.setattr("rnakit.sirna.runs.write_model", killed)
    assert _train(run_dir, "--cv", "random", "--folds", "2", "--seed", "1").exit_code != 0
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    load_model(run_dir)


def test_a_run_without_cv_into_an_earlier_cv_run_keeps_nothing_of_it(tmp_path):
    run_dir = tmp_path / "run"
    assert _train(run_dir, "--cv", "random", "--folds", "2").exit_code == 0
    assert (run_dir / "oof.csv").is_file()
    assert _train(run_dir, "--cv", "none").exit_code == 0
    assert sorted(p.name for p in run_dir.iterdir()) == ["manifest.json", "model", MARKER]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("trained") / "run"
    assert _train(run_dir, "--cv", "none").exit_code == 0
    return run_dir


def _copy(run_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    return copy


def _predict(model: Path, tmp_path: Path):
    return run("sirna", "predict", "--model", str(model), "--data", str(EXAMPLES / "tiny_sirna.csv"),
               "-o", str(tmp_path / "p.csv"))


@pytest.mark.parametrize(("damage", "message"), [
    (lambda r: (r / "model" / "lgbm.txt").write_text((r / "model" / "lgbm.txt").read_text()[:200]), "differs from what the run wrote"),
    (lambda r: (r / "manifest.json").write_text("{not json"), "manifest.json differs"),
    (lambda r: (r / "model" / "lgbm.txt").unlink(), "model/lgbm.txt is missing"),
    (lambda r: (r / MARKER).unlink(), "rnakit-output.json missing"),
    (lambda r: (r / MARKER).write_text("{"), "rnakit-output.json unreadable"),
    (lambda r: (r / "model" / "extra.txt").write_text("from another run"), "model/extra.txt is not among the files"),
])
def test_predict_refuses_a_run_folder_that_is_not_as_written(trained_run, tmp_path, capfd, damage, message):
    copy = _copy(trained_run, tmp_path)
    assert _predict(copy, tmp_path).exit_code == 0
    damage(copy)
    line = one_line_error(_predict(copy, tmp_path))
    assert message in line
    assert "[LightGBM]" not in capfd.readouterr().err  # refused before LightGBM reads a byte


def test_a_resealed_but_damaged_manifest_is_one_line(trained_run, tmp_path):
    from rnakit.outputs import seal_folder

    copy = _copy(trained_run, tmp_path)
    (copy / "manifest.json").write_text("{not json")
    seal_folder(copy, "rnakit sirna train")
    assert "unreadable manifest" in one_line_error(_predict(copy, tmp_path))


def test_a_resealed_model_state_missing_an_entry_is_one_line(trained_run, tmp_path):
    # As a folder written by another rnakit version would be: its marker fits, its state lacks a key.
    from rnakit.outputs import seal_folder

    copy = _copy(trained_run, tmp_path)
    state_file = copy / "model" / "lgbm.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({key: value for key, value in state.items() if key != "params"}))
    seal_folder(copy, "rnakit sirna train")
    line = one_line_error(_predict(copy, tmp_path))
    assert "saved lgbm model is not one rnakit" in line and "'params'" in line and str(copy / "model") in line


def test_shipped_models_are_sealed():
    from rnakit.sirna.runs import SHIPPED_MODELS, resolve_model_dir

    for name in SHIPPED_MODELS:
        verify_output(resolve_model_dir(name), command="rnakit sirna train", required=["manifest.json", "model"])


def test_force_keeps_the_users_files_and_changed_files_and_drops_stale_ones(tmp_path):
    out = tmp_path / "out"
    with output_folder(out, command="c") as folder:
        (folder / "a.txt").write_text("a1")
        (folder / "stale.txt").write_text("s")
        (folder / "edited.txt").write_text("e")
    (out / "mine.txt").write_text("user")
    (out / "edited.txt").write_text("changed by the user")
    with pytest.raises(OutputError, match="did not write"):
        check_output_folder(out, command="c")
    check_output_folder(out, command="c", force=True)
    with output_folder(out, command="c") as folder:
        (folder / "a.txt").write_text("a2")
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "edited.txt", "mine.txt", MARKER]
    assert (out / "a.txt").read_text() == "a2" and (out / "edited.txt").read_text() == "changed by the user"
    assert json.loads((out / MARKER).read_text())["files"].keys() == {"a.txt"}


def test_a_failed_block_changes_nothing(tmp_path):
    out = tmp_path / "out"
    with output_folder(out, command="c") as folder:
        (folder / "a.txt").write_text("a1")
    with pytest.raises(RuntimeError):
        with output_folder(out, command="c") as folder:
            (folder / "a.txt").write_text("a2")
            raise RuntimeError("boom")
    assert (out / "a.txt").read_text() == "a1" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    verify_output(out, command="c", required=["a.txt"])


def test_an_unfinished_many_part_output_is_resumable_but_never_complete(tmp_path) -> None:
    from rnakit.outputs import PARTIAL, SCRATCH

    command = "rnakit sirna design"
    out = tmp_path / "out"
    out.mkdir()
    (out / PARTIAL).write_text(json.dumps({"command": command, "previous_files": {}, "pending_files": []}))
    with output_folder(out / "r1", command=command) as part:
        (part / "candidates.tsv").write_text("x\n")
    (out / SCRATCH / "r2.abc").mkdir(parents=True)
    (out / SCRATCH / "r2.abc" / "candidates.tsv").write_text("half\n")
    assert check_output_folder(out, command=command) == out  # the same command may finish it
    with pytest.raises(OutputError, match="unfinished run"):
        verify_output(out, command=command)
    with pytest.raises(OutputError, match="holds the output of 'rnakit sirna design'"):
        check_output_folder(out, command="rnakit sirna predict")
    (out / "notes.txt").write_text("mine\n")
    with pytest.raises(OutputError, match="did not write.*notes.txt"):
        check_output_folder(out, command=command)
