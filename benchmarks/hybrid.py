"""Hybridisation benchmark: CLASH true vs false miRNA–target pairs, and speed against RNAhybrid.

    python benchmarks/hybrid.py [--json OUT] [--samples 500] [--data DIR]

Data: the miRBind CLASH 1:1 test set (``mirna_clash`` in the shared data: 4,000 pairs of a 20-nt
miRNA and a 50-nt target window, half observed in CLASH). Scores, each as ROC-AUC and average
precision for separating true from false pairs (higher = better binding = more likely true):

* ``rnakit mfe`` — ``hybridise`` with RNAhybrid's defaults (loops ≤ 15 nt), −mfe;
* ``rnakit p-value (calibrated)`` — −log p, the extreme-value law calibrated per miRNA on
  dinucleotide shuffles of the *training* set's target windows (``--samples`` shuffles; no test
  target or label is used);
* ``rnakit p-value (-s 3utr_human)`` — the law from rnakit's fixed set (``scripts/fit_hybrid_sets.py``:
  random queries on Markov 3'UTR-like targets, no CLASH data), no calibration;
* ``RNAhybrid mfe / p-value (file)`` — the RNAhybrid output shipped with the data set;
* ``RNA.duplexfold mfe`` — ViennaRNA's intermolecular MFE;
* ``RNAhybrid binary mfe / p-value`` — the RNAhybrid on this machine (``-s 3utr_human``), if installed,
  with rnakit's agreement with it (same position, energy correlation, mean absolute difference).

Speed, each tool in this process or its own, one core: the 4,000 pairs (RNAhybrid run once per
miRNA on a FASTA of its targets) and one random 10 kb target × 100 random 22-nt miRNAs.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import RNA
from sklearn.metrics import average_precision_score, roc_auc_score

from benchtable import print_rows
from rnakit.hybrid.formats import hit_position, parse_compact
from rnakit.hybrid.search import SearchOptions, hybridise
from rnakit.hybrid.significance import best_energies, fixed_set_evd
from rnakit.hybrid.stats import calibrate, p_value
from rnakit.sirna.datasets import default_data_dir


def neg_log(p: np.ndarray) -> np.ndarray:
    """−log p, with p = 0 (underflow) treated as the smallest double so ranks stay defined."""
    return -np.log(np.clip(np.asarray(p, dtype=float), np.finfo(float).tiny, 1.0))


def scores(label: np.ndarray, score: np.ndarray) -> dict:
    return {"auc": float(roc_auc_score(label, score)), "ap": float(average_precision_score(label, score))}


def rnakit_hits(pairs: pd.DataFrame) -> tuple[list, float]:
    start = time.perf_counter()
    hits = [hybridise(m, t)[0] for m, t in zip(pairs["mirna"], pairs["target"])]
    return hits, time.perf_counter() - start


def calibrated_p_values(pairs: pd.DataFrame, energies: np.ndarray, windows: list[str], samples: int) -> tuple[np.ndarray, float]:
    """p-values with one law per miRNA, fitted on shuffles of training windows (not cached: timed)."""
    options = SearchOptions()
    start = time.perf_counter()
    laws = {m: calibrate(m, lambda q, ts: best_energies(q, ts, options), targets=windows, samples=samples, seed=0)
            for m in sorted(set(pairs["mirna"]))}
    seconds = time.perf_counter() - start
    values = np.array([p_value(e, len(t), len(m), laws[m]) for e, m, t in zip(energies, pairs["mirna"], pairs["target"])])
    return values, seconds


def write_fasta(path: Path, records: list[tuple[str, str]]) -> None:
    # a final newline matters: RNAhybrid 2.1 drops a sequence's last letter without one
    path.write_text("".join(f">{name}\n{seq}\n" for name, seq in records))


def rnahybrid_pairs(pairs: pd.DataFrame, scratch: Path) -> tuple[list, float]:
    """The RNAhybrid binary on every pair: one run per miRNA over a FASTA of its target windows."""
    parsed: dict[int, object] = {}
    start = time.perf_counter()
    for mirna, group in pairs.groupby("mirna", sort=False):
        write_fasta(scratch / "q.fa", [("q", mirna)])
        write_fasta(scratch / "t.fa", [(str(i), t) for i, t in zip(group.index, group["target"])])
        output = subprocess.run(["RNAhybrid", "-c", "-s", "3utr_human", "-t", str(scratch / "t.fa"), "-q", str(scratch / "q.fa")],
                                capture_output=True, text=True, check=True).stdout
        for line in output.splitlines():
            hit = parse_compact(line)
            parsed[int(hit.target)] = hit
    seconds = time.perf_counter() - start
    return [parsed[i] for i in pairs.index], seconds


def long_target_case(binary: bool, scratch: Path) -> list[dict]:
    rng = random.Random(1)
    target = "".join(rng.choice("ACGU") for _ in range(10_000))
    mirnas = ["".join(rng.choice("ACGU") for _ in range(22)) for _ in range(100)]
    start = time.perf_counter()
    for i, mirna in enumerate(mirnas):
        hybridise(mirna, target, query_id=f"m{i}")
    rows = [{"case": "10 kb target × 100 miRNAs", "tool": "rnakit", "seconds": time.perf_counter() - start}]
    if binary:
        write_fasta(scratch / "long.fa", [("t", target)])
        write_fasta(scratch / "mirnas.fa", [(f"m{i}", m) for i, m in enumerate(mirnas)])
        start = time.perf_counter()
        subprocess.run(["RNAhybrid", "-c", "-s", "3utr_human", "-m", "20000", "-t", str(scratch / "long.fa"),
                        "-q", str(scratch / "mirnas.fa")], capture_output=True, check=True)
        rows.append({"case": "10 kb target × 100 miRNAs", "tool": "RNAhybrid 2.1 binary", "seconds": time.perf_counter() - start})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--samples", type=int, default=500, help="shuffled targets per miRNA calibration")
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if data is None:
        sys.exit("shared data not found: pass --data or set RNAKIT_DATA_DIR")
    folder = data / "mirna_clash"
    pairs = pd.read_csv(folder / "test_set_1_1_CLASH2013_paper.tsv", sep="\t")
    pairs = pairs.assign(mirna=pairs["miRNA"].str.replace("T", "U"), target=pairs["gene"].str.replace("T", "U"))
    label = pairs["label"].to_numpy()
    train = pd.read_csv(folder / "train_set_1_1_CLASH2013_paper.tsv", sep="\t")
    windows = sorted(set(train["gene"].str.replace("T", "U")))
    shipped = [parse_compact(line, file=str(folder), row=i) for i, line in
               enumerate((folder / "test_set_1_1_CLASH2013_paper_RNAhybrid.txt").read_text().splitlines(), start=1)]
    binary = shutil.which("RNAhybrid") is not None

    hybridise("ACGUACGU", "ACGUACGUACGU")  # load the compiled programme before timing
    rows: list[dict] = []
    hits, hits_seconds = rnakit_hits(pairs)
    energies = np.array([h.energy for h in hits])
    rows.append({"case": "CLASH 4,000 pairs", "tool": "rnakit mfe", **scores(label, -energies), "seconds": hits_seconds})
    values, calibration = calibrated_p_values(pairs, energies, windows, args.samples)
    rows.append({"case": "CLASH 4,000 pairs", "tool": f"rnakit p-value (calibrated: {args.samples} shuffles per miRNA)",
                 **scores(label, neg_log(values)), "seconds": hits_seconds + calibration, "calibration_seconds": calibration})
    start = time.perf_counter()
    laws = {m: fixed_set_evd("3utr_human", m) for m in set(pairs["mirna"])}
    fixed = np.array([p_value(e, len(t), len(m), laws[m]) for e, m, t in zip(energies, pairs["mirna"], pairs["target"])])
    rows.append({"case": "CLASH 4,000 pairs", "tool": "rnakit p-value (-s 3utr_human)", **scores(label, neg_log(fixed)),
                 "seconds": hits_seconds + time.perf_counter() - start})
    rows.append({"case": "CLASH 4,000 pairs", "tool": "RNAhybrid mfe (shipped file)", **scores(label, -np.array([h.energy for h in shipped]))})
    rows.append({"case": "CLASH 4,000 pairs", "tool": "RNAhybrid p-value (shipped file)",
                 **scores(label, neg_log([h.p_value for h in shipped]))})
    start = time.perf_counter()
    duplexfold = np.array([RNA.duplexfold(t, m).energy for m, t in zip(pairs["mirna"], pairs["target"])])
    rows.append({"case": "CLASH 4,000 pairs", "tool": "RNA.duplexfold mfe", **scores(label, -duplexfold),
                 "seconds": time.perf_counter() - start})
    if binary:
        with tempfile.TemporaryDirectory() as scratch:
            reference, seconds = rnahybrid_pairs(pairs, Path(scratch))
        theirs = np.array([h.energy for h in reference])
        rows.append({"case": "CLASH 4,000 pairs", "tool": "RNAhybrid 2.1 binary mfe (-s 3utr_human)",
                     **scores(label, -theirs), "seconds": seconds})
        rows.append({"case": "CLASH 4,000 pairs", "tool": "RNAhybrid 2.1 binary p-value (-s 3utr_human)",
                     **scores(label, neg_log([h.p_value for h in reference])), "seconds": seconds})
        rows.append({"case": "rnakit vs RNAhybrid binary", "tool": "agreement",
                     "same_position": float(np.mean([r.position == hit_position(h) for r, h in zip(reference, hits)])),
                     "same_pairs": float(np.mean([r.pairs == h.pairs for r, h in zip(reference, hits)])),
                     "energy_r": float(np.corrcoef(theirs, energies)[0, 1]),
                     "energy_mae": float(np.mean(np.abs(theirs - energies))),
                     "energy_mean_difference": float(np.mean(energies - theirs))})
    with tempfile.TemporaryDirectory() as scratch:
        rows.extend(long_target_case(binary, Path(scratch)))
    show(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


def show(rows: list[dict]) -> None:
    print_rows("Hybridisation: CLASH true vs false pairs (test set), agreement and speed (1 core)",
               rows, ("case", "tool", "auc", "ap", "seconds", "same_position", "same_pairs", "energy_r", "energy_mae",
               "energy_mean_difference"), ("case", "tool"), width=200)


if __name__ == "__main__":
    sys.exit(main())
