"""Cora node classification: GCN, GAT and GraphSAGE on the public Planetoid split, one core.

    python benchmarks/cora.py [--seeds 10] [--json OUT] [--data DIR]

Data: the raw Planetoid files (``cora_planetoid`` in the shared data), loaded by
``rnakit.graph.planetoid.load_planetoid``: 2,708 papers, 1,433 row-normalised word features,
7 classes; 140 training, 500 validation and 1,000 test nodes (Kipf & Welling's split).

Each model is trained once per seed (0 … seeds−1) with ``train_node_classifier``: the papers'
architectures and Adam settings, early stopping and model selection on the validation nodes only.
The table gives the mean ± sd test accuracy over the seeds and the seconds per run.

Published test accuracy on this split, and rnakit's targets:

* GCN (Kipf & Welling, ICLR 2017): 81.5 % — target ≥ 81.5 %;
* GAT (Veličković et al., ICLR 2018): 83.0 ± 0.7 % — target ≥ 83.0 %;
* GraphSAGE (mean aggregator): no Cora number in its paper; reported for comparison only.

Cost on one core at 10 seeds: about 35 s for GCN, 7 minutes for GAT and 5 for GraphSAGE.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

from benchtable import print_rows
from rnakit.files import atomic_write
from rnakit.graph.models import train_node_classifier
from rnakit.graph.planetoid import load_planetoid
from rnakit.sirna.datasets import default_data_dir

# model → (published test accuracy %, rnakit's target %)
REFERENCE = {"gcn": (81.5, 81.5), "gat": (83.0, 83.0), "graphsage": (None, None)}
PUBLISHED_SD = {"gat": 0.7}


def run_model(model_name: str, data, seeds: int) -> dict:
    accuracies, val_accuracies, epochs, seconds = [], [], [], []
    for seed in range(seeds):
        start = time.perf_counter()
        result = train_node_classifier(model_name, data, seed=seed)
        seconds.append(time.perf_counter() - start)
        accuracies.append(100 * result.test_accuracy)
        val_accuracies.append(100 * result.val_accuracy)
        epochs.append(result.epochs_run)
    published, target = REFERENCE[model_name]
    mean = statistics.mean(accuracies)
    return {
        "model": model_name, "seeds": seeds,
        "test_acc_%": mean, "test_sd": statistics.stdev(accuracies) if seeds > 1 else None,
        "val_acc_%": statistics.mean(val_accuracies), "epochs": statistics.mean(epochs),
        "seconds_per_run": statistics.mean(seconds),
        "published_%": published, "published_sd": PUBLISHED_SD.get(model_name), "target_%": target,
        "meets_target": None if target is None else ("yes" if mean >= target else "no"),
        "per_seed_test_acc_%": accuracies, "per_seed_epochs": epochs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="runs per model, seeds 0 … N−1")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    args = parser.parse_args(argv)
    data_dir = args.data or default_data_dir()
    if data_dir is None:
        sys.exit("shared data not found: pass --data or set RNAKIT_DATA_DIR")
    torch.set_num_threads(1)
    data = load_planetoid(data_dir / "cora_planetoid", "cora")
    rows = [run_model(model_name, data, args.seeds) for model_name in REFERENCE]
    print_rows(f"Cora, public split: test accuracy over {args.seeds} seeds (1 core)", rows,
               ("model", "test_acc_%", "test_sd", "published_%", "published_sd", "target_%", "meets_target",
                "val_acc_%", "epochs", "seconds_per_run"), ("model", "meets_target"))
    if args.json:
        with atomic_write(args.json) as handle:
            json.dump(rows, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
