"""The core install (``pip install rnakit``) works without the extras; what needs one says which.

The fast tests run rnakit in a child Python where the extras' packages (torch, fastapi, snakemake,
distributed…) cannot be imported, as in a core-only install. The slow test builds a real core-only
venv; it needs pip's package sources (the network for some core packages: ViennaRNA, pyranges,
pyfastx, pyhmmer are not in this machine's local wheels) and took 121 s here with pip's cache empty
(41 s with it warm), two fifths of the suite's 5-minute budget, so it runs only with RNAKIT_INSTALL_TEST=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from rnakit.extras import EXTRAS

REPO = Path(__file__).resolve().parent.parent
BLOCKED = sorted({module for modules in EXTRAS.values() for module in modules})

# A finder placed first on sys.meta_path: importing an extra's package fails as if it were not installed
# (ModuleNotFoundError, which optional imports in other libraries catch as they would for a real absence).
BLOCKER = textwrap.dedent(f"""
    import importlib.abc, sys
    class _NotInstalled(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in {BLOCKED!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None
    sys.meta_path.insert(0, _NotInstalled())
""")

# Modules that are part of an extra: they import its packages at module level, by nature (a torch
# network class, a FastAPI router). Nothing in the core imports them at module level.
EXTRA_ONLY = {
    "rnakit.graph.conv", "rnakit.graph.models", "rnakit.graph.planetoid",
    "rnakit.serve.api", "rnakit.serve.app", "rnakit.serve.limits", "rnakit.serve.pages",
    "rnakit.sirna.models.gnn", "rnakit.sirna.models.gnn4sirna", "rnakit.sirna.models.gru",
    "rnakit.sirna.models.seqnet", "rnakit.sirna.models.torch_io", "rnakit.sirna.models.torch_regressor",
}


def run_without_extras(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCKER + textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})


def rnakit_without_extras(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return run_without_extras(f"""
        from rnakit.cli import main
        sys.argv = ["rnakit", *{list(args)!r}]
        main()
    """, tmp_path)


def test_every_core_module_imports_without_the_extras(tmp_path):
    done = run_without_extras("""
        import importlib, json, pkgutil, rnakit
        outcome = {}
        for info in pkgutil.walk_packages(rnakit.__path__, "rnakit."):
            if info.name == "rnakit.__main__":  # importing it runs the command line
                continue
            try:
                importlib.import_module(info.name)
                outcome[info.name] = None
            except ModuleNotFoundError as error:
                outcome[info.name] = error.name
        print(json.dumps(outcome))
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert len(outcome) > 100  # the walk saw the whole package
    failed = {name: missing for name, missing in outcome.items() if missing is not None}
    assert not {name: missing for name, missing in failed.items() if name not in EXTRA_ONLY}, "core modules need an extra"
    # Each extra-only module fails for want of an extra's package (not of something else), and the list is current.
    assert all(missing.partition(".")[0] in BLOCKED for missing in failed.values())
    assert set(failed) == EXTRA_ONLY & set(outcome)


def test_the_shipped_models_predict_without_the_extras(tmp_path):
    # Design and predict use the shipped models: both LightGBM, so the core install runs them.
    done = run_without_extras("""
        from rnakit.sirna.models.registry import load_model
        from rnakit.sirna.runs import resolve_model_dir
        for name in ("default", "unmodified"):
            model, manifest = load_model(resolve_model_dir(name), threads=1)
            print(name, manifest["model"], type(model).__name__)
        print("torch" in sys.modules)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["default lgbm LgbmEfficacyModel", "unmodified lgbm-rank LgbmRankModel",
                                           "False"]


@pytest.mark.parametrize("args, extra, what", [
    (["graph", "plot", "-o", "ego.png"], "nn", "rnakit graph plot"),
    (["sirna", "train", "--data", str(REPO / "examples" / "tiny_sirna.csv"), "--out", "run", "--model", "seqnet"],
     "nn", "model 'seqnet'"),
    (["serve", "--port", "0", "--results-dir", "results"], "serve", "rnakit serve"),
])
def test_a_command_that_needs_a_missing_extra_says_which_in_one_line(tmp_path, args, extra, what):
    done = rnakit_without_extras(tmp_path, *args)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {what} needs the [{extra}] extra: pip install 'rnakit[{extra}]'"
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_library_entry_points_name_their_extra(tmp_path):
    done = run_without_extras("""
        from pathlib import Path
        from rnakit.errors import MissingExtraError
        from rnakit.graph.kmer_graph import kmer_graph, to_pyg
        from rnakit.sirna.design.runner import run_design
        from rnakit.sirna.models.ensemble import EnsembleModel
        from rnakit.sirna.models.registry import model_class
        for attempt in (lambda: to_pyg(kmer_graph("ACGUACGU", 3)), lambda: model_class("gnn4sirna"),
                        lambda: run_design([], None, Path("out"), dask_scheduler="tcp://127.0.0.1:1"),
                        lambda: EnsembleModel(members=("lgbm", "gru-baseline"))._classes()):
            try:
                attempt()
            except MissingExtraError as error:
                print(error)
        print(EnsembleModel(members=("lgbm",))._classes()[0].__name__)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "kmer_graph.to_pyg needs the [nn] extra: pip install 'rnakit[nn]'",
        "model 'gnn4sirna' needs the [nn] extra: pip install 'rnakit[nn]'",
        "rnakit sirna design --dask-scheduler needs the [dask] extra: pip install 'rnakit[dask]'",
        "model 'gru-baseline' needs the [nn] extra: pip install 'rnakit[nn]'",
        "LgbmEfficacyModel",  # an lgbm-only blend runs in the core
    ]


@pytest.mark.skipif(os.environ.get("RNAKIT_INSTALL_TEST") != "1",
                    reason="builds a core-only venv with pip (minutes, package sources); set RNAKIT_INSTALL_TEST=1")
def test_a_fresh_core_install_designs_and_hybridises_without_torch(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)  # not --system-site-packages: only what the core install brings
    python, rnakit = env_dir / "bin" / "python", env_dir / "bin" / "rnakit"
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(REPO)],
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    for package in ("torch", "torch_geometric", "fastapi", "uvicorn", "snakemake", "distributed"):
        probe = subprocess.run([python, "-c", f"import {package}"], capture_output=True, text=True)
        assert probe.returncode == 1 and "ModuleNotFoundError" in probe.stderr, package

    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    design = subprocess.run([rnakit, "sirna", "design", "--example", "-o", "design"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=900)
    assert design.returncode == 0, design.stderr
    summary = json.loads((work / "design" / "design.json").read_text())
    # The bundled GAPDH mRNA (1,285 nt): every 23-nt site (21-nt guide + 2-nt overhang) is a candidate.
    assert (summary["target"]["length"], summary["candidates"]) == (1285, 1285 - 23 + 1)
    assert (work / "design" / "report.html").is_file() and (work / "design" / "efficacy.png").is_file()

    # A 22-nt query and a target holding its exact reverse complement at nt 41–62.
    query = "UGAGGUAGUAGGUUGUAUAGUU"
    site = query[::-1].translate(str.maketrans("ACGU", "UGCA"))
    (work / "q.fa").write_text(f">let7\n{query}\n")
    (work / "t.fa").write_text(f">utr\n{'A' * 40}{site}{'C' * 40}\n")
    hits = subprocess.run([rnakit, "hybrid", "search", "-q", "q.fa", "-t", "t.fa", "--format", "tsv"], cwd=work,
                          env=env, capture_output=True, text=True, timeout=900)
    assert hits.returncode == 0, hits.stderr
    header, row = (line.split("\t") for line in hits.stdout.strip().splitlines())
    hit = dict(zip(header, row))
    assert (hit["target_first"], hit["target_last"], hit["n_pairs"]) == ("41", "62", "22")
