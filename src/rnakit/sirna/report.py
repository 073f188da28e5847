"""The training report: Markdown, JSON and PNGs, with the split named in every heading."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from rnakit.files import atomic_write, json_safe
from rnakit.report.plots import bars, scatter
from rnakit.sirna.metrics import competition_score
from rnakit.sirna.splits import SplitStrategy, group_keys
from rnakit.sirna.training import CrossValidation

METRICS = ("score", "mae", "rmse", "f1", "range_mae", "pearson", "spearman", "auc")


def _split_name(cv: CrossValidation) -> str:
    return f"{cv.n_folds}-fold {SplitStrategy(cv.strategy).description}"


def target_genes(table: pd.DataFrame) -> pd.Series:
    """The target each row is scored under: its gene symbol (upper case), else its transcript accession
    marked '(transcript)' (Huesken's reader finds no gene symbols), as the gene-held-out split groups
    rows; None when the row names neither."""
    keys = group_keys(table, SplitStrategy.gene).astype("string")
    named = keys.where(keys.str.startswith("gene:") | keys.str.startswith("transcript:"))
    named = named.str.replace(r"^transcript:(.*)$", r"\1 (transcript)", regex=True).str.removeprefix("gene:")
    return named.astype("object").where(named.notna(), None)


def score_per_gene(table: pd.DataFrame, cv: CrossValidation) -> pd.Series:
    """Competition score of the held-out predictions of each target (see :func:`target_genes`), worst
    first; empty when no row names a gene or a transcript."""
    genes = target_genes(table).reset_index(drop=True)
    y = table["remaining_pct"].to_numpy(dtype=float)
    groups = genes.dropna().groupby(genes.dropna()).indices
    named = genes.dropna().index.to_numpy()
    return pd.Series({g: competition_score(y[named[idx]], cv.oof[named[idx]]) for g, idx in groups.items()},
                     dtype=float).sort_values()


def _fmt(value: float) -> str:
    return "–" if isinstance(value, float) and math.isnan(value) else f"{value:.4f}"


def write_report(folder: Path, table: pd.DataFrame, cv: CrossValidation, model_name: str, data: str) -> None:
    """``report.md``, ``report.json`` and three PNGs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    split = _split_name(cv)
    short = f"{cv.n_folds}-fold {cv.strategy} split"
    y = table["remaining_pct"].to_numpy(dtype=float)
    per_gene = score_per_gene(table, cv)
    rows_per_gene = target_genes(table).value_counts()
    scatter(y, cv.oof, folder / "predicted_vs_measured.png", title=f"{model_name}, held-out ({short})",
            xlabel="measured % mRNA remaining", ylabel="predicted", diagonal=True)
    scatter(y, cv.oof - y, folder / "residual_vs_measured.png", title=f"residuals, held-out ({short})",
            xlabel="measured % mRNA remaining", ylabel="predicted − measured", hline=0.0)
    if len(per_gene):  # no plot of one bar for "no gene": a data set that names no target has none
        bars(list(per_gene.index), list(per_gene.values), folder / "score_per_gene.png",
             title=f"competition score per gene, held-out ({short})", ylabel="score")
    lines = [
        f"# {model_name} on {data}", "",
        f"Split: **{split}**, seed {cv.seed}. Every number below is from this split.", "",
        f"## Overall, held-out ({cv.strategy})", "",
        "| metric | held-out | train | gap (train − held-out) |", "|---|---|---|---|",
        *[f"| {m} | {_fmt(cv.overall[m])} | {_fmt(cv.overall_train[m])} | {_fmt(cv.gap[m])} |" for m in METRICS],
        "", f"## Per fold ({cv.strategy})", "",
        "| fold | n train | n test | " + " | ".join(METRICS) + " | fit s |",
        "|---" * (len(METRICS) + 4) + "|",
        *[f"| {f['fold']} | {f['n_train']} | {f['n_test']} | " + " | ".join(_fmt(f["test"][m]) for m in METRICS)
          + f" | {f['fit_seconds']} |" for f in cv.folds],
        "", f"## Score per gene, held-out ({cv.strategy})", "",
        *(["| gene | rows | score |", "|---|---|---|",
           *[f"| {g} | {int(rows_per_gene[g])} | {_fmt(s)} |" for g, s in per_gene.items()]] if len(per_gene) else
          ["Left out: no row names a target gene or transcript."]),
        "", "![predicted vs measured](predicted_vs_measured.png) ![residuals](residual_vs_measured.png)",
        *(["![score per gene](score_per_gene.png)"] if len(per_gene) else []), "",
    ]
    with atomic_write(folder / "report.md") as handle:
        handle.write("\n".join(lines))
    payload = {
        "model": model_name, "data": data, "split": split, "strategy": cv.strategy, "folds": cv.n_folds,
        "seed": cv.seed, "overall": cv.overall, "overall_train": cv.overall_train, "gap": cv.gap,
        "per_fold": cv.folds, "score_per_gene": per_gene.to_dict(),
    }
    with atomic_write(folder / "report.json") as handle:
        json.dump(json_safe(payload), handle, indent=1, allow_nan=False)
