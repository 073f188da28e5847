"""GNN4siRNA reproduced: its recipe (rnakit's ``gnn4sirna``) under its own protocol, then on rnakit's folds.

    python benchmarks/gnn_reproduction.py [--json OUT] [--threads 1] [--parts published,folds]

``published``: GNN4siRNA's own processed node features (shared data ``gnn4sirna/processed``: 3-mer
and 4-mer counts, 18 stacks + total + 3 RNAup values), its transductive graph (every pair a node,
test pairs unlabelled), ``KFold(10, shuffle=True, random_state=2)`` and its statistic, the mean of
the 10 per-fold Pearsons (also the pooled one), with the code's Adam and the paper's Adamax.

``folds``: rnakit's ``gnn4sirna`` (features computed by rnakit) on the folds of ``benchmarks/sirna_cv.py``
(same seed, same ``cross_validate``), as published (10 epochs) and with the epoch count chosen on
an inner split of each training fold (ours); pooled out-of-fold metrics as sirna_cv.py writes them,
plus ``pearson_fold_mean``. Cost on one thread: published ≈ 2 min; folds ≈ 40 min.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy.stats import pearsonr
from sklearn.model_selection import KFold

from rnakit.sirna.datasets.registry import dataset_folder
from rnakit.sirna.features import compute_features, default_cache_dir
from rnakit.sirna.metrics import fold_pearson
from rnakit.sirna.models.gnn4sirna import Gnn4sirnaModel, InteractionGraph
from rnakit.sirna.models.registry import model_inputs
from rnakit.files import json_safe
from rnakit.sirna.tables import load_table
from rnakit.sirna.training import cross_validate

PUBLISHED_PEARSON = 0.736  # GNN4siRNA's abstract: "a Pearson correlation coefficient of approximately 73.6%"
FOLDS_PLAN = [("gnn4sirna", "random", 10), ("gnn4sirna", "group", 5), ("huesken2005", "random", 10),
              ("huesken2005", "gene", 5)]
GROUP_COLUMN = {"gnn4sirna": "transcript_id"}  # as benchmarks/sirna_cv.py
VARIANTS = {"gnn4sirna": {}, "gnn4sirna (epochs: inner split)": {"epochs": None}}


def published_graph(folder: Path) -> tuple[InteractionGraph, np.ndarray]:
    """GNN4siRNA's graph of one processed dataset folder, and the efficacy of each interaction node."""
    thermo = pd.read_csv(folder / "sirna_target_thermo.csv", header=None)
    efficacy = pd.read_csv(folder / "sirna_mrna_efficacy.csv")["efficacy"].to_numpy(np.float32)
    sirna_kmers = pd.read_csv(folder / "sirna_kmers.txt", header=None).set_index(0)
    mrna_file = folder / "mRNA_kmers.txt" if (folder / "mRNA_kmers.txt").exists() else folder / "target_kmers.txt"
    mrna_kmers = pd.read_csv(mrna_file, header=None).set_index(0)
    sirna_of, sirnas = pd.factorize(thermo[0])
    mrna_of, mrnas = pd.factorize(thermo[1])
    graph = InteractionGraph(
        torch.tensor(thermo.iloc[:, 2:].to_numpy(np.float32)), torch.tensor(sirna_kmers.loc[list(sirnas)].to_numpy(np.float32)),
        torch.tensor(mrna_kmers.loc[list(mrnas)].to_numpy(np.float32)), torch.tensor(sirna_of, dtype=torch.long),
        torch.tensor(mrna_of, dtype=torch.long), [str(m) for m in mrnas])
    return graph, efficacy


def published(args: argparse.Namespace) -> list[dict]:
    rows = []
    for dataset in ("dataset_1", "dataset_2", "dataset_3"):
        graph, efficacy = published_graph(dataset_folder("gnn4sirna") / "processed" / dataset)
        for optimizer in ("adam", "adamax"):
            start = time.perf_counter()
            pooled, fold = np.zeros(len(efficacy)), np.zeros(len(efficacy), dtype=int)
            for k, (train, test) in enumerate(KFold(n_splits=10, shuffle=True, random_state=2).split(efficacy)):
                model = Gnn4sirnaModel(optimizer=optimizer, n_jobs=args.threads, random_state=args.seed)
                pooled[test] = model.fit_graph(graph, train, efficacy[train]).predict_graph(graph)[test]
                fold[test] = k
            rows.append({"data": f"gnn4sirna {dataset} (published files)", "split": "10-fold KFold(random_state=2)",
                         "model": f"gnn4sirna ({optimizer})", "seconds": round(time.perf_counter() - start, 1),
                         "n": len(efficacy), **fold_pearson(efficacy, pooled, fold), "pearson": float(pearsonr(efficacy, pooled)[0]),
                         "mse_fold_mean": float(np.mean([np.mean((efficacy[fold == k] - pooled[fold == k]) ** 2)
                                                         for k in range(10)]))})
            report(rows[-1], args)
    return rows


def on_folds(args: argparse.Namespace) -> list[dict]:
    rows = []
    for data, strategy, folds in FOLDS_PLAN:
        table = load_table(data)
        if strategy == "group":
            table = table.assign(group=table[GROUP_COLUMN[data]])
        features = compute_features(table, cache_dir=default_cache_dir(), file=data).drop(columns="id")
        inputs = model_inputs("gnn4sirna", table, lambda features=features: features)
        for name, params in VARIANTS.items():
            start = time.perf_counter()
            cv = cross_validate(table, inputs, lambda params=params: Gnn4sirnaModel(n_jobs=args.threads, random_state=args.seed, **params),
                                strategy, folds, args.seed)
            rows.append({"data": data, "split": f"{folds}-fold {strategy}", "model": name,
                         "seconds": round(time.perf_counter() - start, 1), **cv.overall,
                         **fold_pearson(table["remaining_pct"], cv.oof, cv.fold)})
            report(rows[-1], args)
    return rows


def report(row: dict, args: argparse.Namespace) -> None:
    print(json.dumps(json_safe(row)), flush=True)
    args.rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(json_safe(args.rows), indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--threads", type=int, default=None, help="PyTorch threads (default: the cores available)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parts", type=lambda t: t.split(","), default=["published", "folds"])
    args = parser.parse_args(argv)
    args.rows = []
    if "published" in args.parts:
        published(args)
    if "folds" in args.parts:
        on_folds(args)
    print(f"GNN4siRNA's published Pearson: {PUBLISHED_PEARSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
