"""Compare model settings on inner folds inside every outer fold, never reading an outer test row.

    python benchmarks/sirna_nested.py --data huesken2005 --pooled --model lgbm-rank \\
        --variant base='{}' --variant leaves63='{"num_leaves": 63}' [--outer 1,2] [--json OUT]
    python benchmarks/sirna_nested.py --data sais_sirna_2024 --model lgbm --variant base='{}' \\
        --variant weighted='{"low_weight": 3.0}' --metric score

Why: a setting picked on the inner folds of one outer fold's training rows can look better there and
worse on the other outer folds (README *Measured*, notes ◇ and ∥: a level covariate and a ridge column
each passed one outer fold's inner folds and fell on the rest). Here every outer fold (``--split``
folds, seed 0, the same folds as ``sirna_cv.py``) gets its own ``--inner-folds`` inner folds (seed 1)
over its training rows, each variant is fitted and scored on them, and the table shows each variant's
gain over the first one per outer fold. The outer test rows are only ever left out: with ``--pooled``
(the public unmodified sets, :mod:`rnakit.sirna.datasets.pooled`) every pool row sharing an outer test
row's 19-nt core (with gene folds also its gene, accession or transcript) leaves the pool first, and
each inner fold then leaves out its own the same way (:func:`rnakit.sirna.crossstudy.dataset_cv`).
Run the outer folds themselves (``sirna_cv.py``) only once a setting has been chosen here.

A variant is ``NAME=JSON``: keyword arguments of the model's constructor. Metrics: ``within`` (mean
Pearson inside each gene, weighted by rows: the order design ranks by), ``pearson``, ``spearman`` or
``score`` (the competition's).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from rnakit.errors import RnakitError
from rnakit.files import json_safe
from rnakit.sirna.crossstudy import dataset_cv, held_out_rows, with_pool_transcripts
from rnakit.sirna.datasets.pooled import pooled_unmodified, unmodified_labelled
from rnakit.sirna.features import compute_features, default_cache_dir
from rnakit.sirna.models.ranker import within_group_pearson
from rnakit.sirna.models.registry import model_class, model_inputs
from rnakit.sirna.splits import assign_folds, group_keys
from rnakit.sirna.tables import load_table
from rnakit.sirna.training import cross_validate

from sirna_cv import LEVEL_GROUPS, POOLED_GROUPS, _columns_of

METRICS = {"within": "within_group_pearson", "pearson": "pearson", "spearman": "spearman", "score": "score"}
OUTER_SEED, INNER_SEED = 0, 1


def parse_variant(text: str) -> tuple[str, dict]:
    """``NAME=JSON`` → (name, constructor keyword arguments)."""
    name, _, params = text.partition("=")
    try:
        parsed = json.loads(params or "{}")
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: --variant {text!r}: the part after '=' is not JSON ({exc.msg})") from None
    if not name or not isinstance(parsed, dict):
        raise SystemExit(f"error: --variant {text!r}: write NAME=JSON, the JSON an object of constructor arguments")
    return name, parsed


def run(args: argparse.Namespace) -> list[dict]:
    variants = dict(parse_variant(v) for v in args.variant)
    wrong = [f for f in args.outer or [] if not 0 <= f < args.outer_folds]
    if wrong:  # a fold that does not exist would hold nothing out: every row would train
        raise SystemExit(f"error: --outer {wrong[0]}: outer folds are 0 to {args.outer_folds - 1}")
    try:  # an unknown model, or one whose extra is not installed, before any data is read
        estimator = model_class(args.model)
    except RnakitError as exc:
        raise SystemExit(f"error: {exc}") from None
    for name, params in variants.items():  # a misspelt argument, before the first fit
        unknown = sorted(set(params) - set(estimator().get_params()))
        if unknown:
            raise SystemExit(f"error: --variant {name}: {args.model} has no argument {unknown[0]!r}")
    if args.pooled and args.split not in ("gene", "random"):
        raise SystemExit(f"error: --pooled folds are gene or random, not {args.split!r}")
    try:
        table = load_table(args.data)
    except RnakitError as exc:
        raise SystemExit(f"error: {exc}") from None
    if args.pooled:
        pooled = pooled_unmodified()
        # As sirna_cv.py's pooled rows: only lgbm-rank reads the transcript group (for its level term alone).
        groups = POOLED_GROUPS + (LEVEL_GROUPS if args.model == "lgbm-rank" else [])
        pool_features = _columns_of(compute_features(pooled.table, groups, cache_dir=default_cache_dir(),
                                                     file="pool").drop(columns="id"), groups)
        table = with_pool_transcripts(pooled.table, table[unmodified_labelled(table)].reset_index(drop=True))
        features = _columns_of(compute_features(table, groups, cache_dir=default_cache_dir(), file=args.data), groups)
    else:
        features = model_inputs(args.model, table, lambda: compute_features(
            table, cache_dir=default_cache_dir(), file=args.data).drop(columns="id"))
    outer = assign_folds(table, args.split, args.outer_folds, OUTER_SEED)
    rows = []
    for fold in args.outer or range(args.outer_folds):
        train = np.flatnonzero(outer != fold)
        inner_table, inner_features = table.iloc[train].reset_index(drop=True), features.iloc[train]
        if args.pooled:  # the outer test rows' copies (gene folds: genes, transcripts too) leave the pool first
            test = table.iloc[np.flatnonzero(outer == fold)]
            keep = np.flatnonzero(~held_out_rows(pooled.table, test, genes_too=args.split == "gene"))
            fold_pool = replace(pooled, table=pooled.table.iloc[keep])
        for name, params in variants.items():
            def make(params: dict = params) -> object:
                return model_class(args.model)(n_jobs=args.threads, random_state=args.seed, **params)
            start = time.perf_counter()
            if args.pooled:
                metrics = dataset_cv(fold_pool, pool_features.iloc[keep], inner_table, inner_features, make,
                                     args.inner_folds, INNER_SEED, args.split)
                metrics.pop("study_not_given", None)
            else:
                cv = cross_validate(inner_table, inner_features, make, args.split, args.inner_folds, INNER_SEED)
                y = inner_table["remaining_pct"].to_numpy(dtype=float)
                metrics = {**cv.overall, "within_group_pearson": within_group_pearson(
                    y, cv.oof, group_keys(inner_table, "gene").to_numpy())}
            rows.append({"outer_fold": fold, "variant": name, "params": params,
                         "seconds": round(time.perf_counter() - start, 1), **metrics})
            show(rows, variants, args.metric)
            if args.json:
                args.json.write_text(json.dumps(json_safe(rows), indent=1))
    return rows


def gains(rows: list[dict], reference: str, metric: str) -> dict[str, list[float]]:
    """Each variant's ``metric`` minus the reference variant's, per outer fold both have."""
    key = METRICS[metric]
    base = {r["outer_fold"]: r[key] for r in rows if r["variant"] == reference}
    out: dict[str, list[float]] = {}
    for r in rows:
        if r["outer_fold"] in base:
            out.setdefault(r["variant"], []).append(r[key] - base[r["outer_fold"]])
    return out


def show(rows: list[dict], variants: dict, metric: str) -> None:
    table = Table(title=f"inner folds inside each outer fold: {metric} (gain over {next(iter(variants))})")
    for column in ("outer fold", "variant", metric, "gain", "seconds"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    per_variant = gains(rows, next(iter(variants)), metric)
    seen: dict[str, int] = {}
    for r in rows:
        index = seen[r["variant"]] = seen.get(r["variant"], -1) + 1
        gain = per_variant.get(r["variant"], [])
        table.add_row(str(r["outer_fold"]), r["variant"], f"{r[METRICS[metric]]:.4f}",
                      f"{gain[index]:+.4f}" if index < len(gain) else "", f"{r['seconds']:.0f}")
    for name, gain in per_variant.items():
        table.add_row("mean", name, "", f"{np.mean(gain):+.4f} (min {np.min(gain):+.4f})", "")
    Console(width=max(Console().width, 100)).print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a bundled dataset name (rnakit sirna datasets)")
    parser.add_argument("--model", required=True, help="a model name (rnakit sirna train --model)")
    parser.add_argument("--variant", action="append", required=True,
                        help="NAME=JSON constructor arguments; repeat; the first is the reference")
    parser.add_argument("--pooled", action="store_true",
                        help="train on the pooled public unmodified sets minus held-out rows")
    parser.add_argument("--split", default="gene", help="outer and inner split (default gene)")
    parser.add_argument("--outer-folds", type=int, default=5)
    parser.add_argument("--inner-folds", type=int, default=5)
    parser.add_argument("--outer", type=lambda t: [int(x) for x in t.split(",")], default=None,
                        help="only these outer folds (0-based), e.g. 1,2")
    parser.add_argument("--metric", choices=sorted(METRICS), default="within")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0, help="the models' random state")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
