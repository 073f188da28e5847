"""Cross-validated siRNA-efficacy benchmark: every model on the same folds, one table.

    python benchmarks/sirna_cv.py [--json OUT] [--threads N] [--models lgbm,seqnet,...] [--only DATA:SPLIT,...]

SAIS 2024 training file: gene-held-out and duplex-grouped 5-fold. Huesken 2005: random 10-fold
(optimistic, as published tools report it) and gene-held-out 5-fold (by target transcript),
side by side. GNN4siRNA (its datasets 1 + 2): random 10-fold and the "mRNA split", 5 folds
grouped by target transcript. *Pooled* rows (``--only pooled:...``) train on the public unmodified
sets pooled (:mod:`rnakit.sirna.datasets.pooled`, copies dropped) minus every copy, gene and
transcript of the held-out rows: ``pooled:<dataset>:gene`` scores that dataset's own 5-fold
gene-held-out folds (the same folds as its in-dataset rows), ``pooled:huesken2005:random`` Huesken's
random 10 folds (only copies of held-out rows left out), ``pooled:studies`` holds out each study of
≥ 100 rows in turn; they compare ``lgbm-rank`` (objective chosen on inner folds; told each held-out
row's study, see :mod:`rnakit.sirna.crossstudy`, and scored again without it) with ``lgbm`` fitted to the
pooled raw labels and, for ``pooled:<dataset>``, ``lgbm`` trained on that dataset alone. Models: ``gru-baseline`` (the competition tutorial's model, the reference to beat),
``gbm-plain`` (LightGBM on the same features without score-aware weights or calibration: the plain
gradient-boosted reference), and rnakit's ``lgbm``, ``lgbm-level``, ``lgbm-gene``, ``lgbm-seen``, ``seqnet``, ``ensemble``, ``gnn``
and ``gnn4sirna`` (GNN4siRNA's recipe). Every row is
printed when done and the JSON is rewritten after each, so a long run keeps what it finished.
*pearson* is one Pearson over every fold's held-out rows at once (each fold's model is also charged for
its offset from the others'); *Pearson per fold* is the mean ± sample sd of each fold's own Pearson, as
published tools (GNN4siRNA, siRNADiscovery) report cross-validation.

Cost on 2 cores: Huesken, every model, about 20 minutes; SAIS, per split, about 1.5 minutes for
``lgbm``, 5 for ``seqnet`` and 16 for ``ensemble``. ``gru-baseline`` on SAIS takes about 35 minutes
per split with ``--gru-epochs 5`` (the README's SAIS rows; an epoch is ~95 s on 2 cores) and over an
hour per split with the default cap of 30.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from rnakit.sirna.crossstudy import dataset_cv, leave_one_study_out, with_pool_transcripts
from rnakit.sirna.datasets.pooled import pooled_unmodified, unmodified_labelled
from rnakit.sirna.features import compute_features, default_cache_dir
from rnakit.sirna.features.registry import SEPARATOR
from rnakit.sirna.metrics import fold_pearson
from rnakit.sirna.models.lgbm import LgbmEfficacyModel
from rnakit.sirna.models.ranker import within_group_pearson
from rnakit.sirna.models.registry import model_class, model_inputs
from rnakit.files import json_safe
from rnakit.sirna.splits import group_keys
from rnakit.sirna.tables import load_table
from rnakit.sirna.training import cross_validate

MODELS = {
    "gru-baseline": lambda args: model_class("gru-baseline")(max_epochs=args.gru_epochs, n_jobs=args.threads, random_state=args.seed),
    "gbm-plain": lambda args: LgbmEfficacyModel(low_weight=1.0, calibrate=False, n_jobs=args.threads, random_state=args.seed),
    **{name: (lambda args, name=name: model_class(name)(n_jobs=args.threads, random_state=args.seed))
       for name in ("lgbm", "lgbm-cal", "lgbm-level", "lgbm-gene", "lgbm-seen", "lgbm-assay", "lgbm-gene-assay", "seqnet", "ensemble", "gnn", "gnn4sirna")},
}
PLAN = [("huesken2005", "random", 10), ("huesken2005", "gene", 5),
        ("sais_sirna_2024", "gene", 5), ("sais_sirna_2024", "duplex", 5),
        ("gnn4sirna", "random", 10), ("gnn4sirna", "group", 5)]
# GNN4siRNA names no genes: its "mRNA split" groups rows by target transcript
GROUP_COLUMN = {"gnn4sirna": "transcript_id"}
#: Pooled rows: (dataset, split, folds) scored on the dataset's own folds, then leave-one-study-out.
POOLED_PLAN = (("huesken2005", "random", 10), ("huesken2005", "gene", 5), ("sirnaefficacydb", "gene", 5),
               ("ichihara2007", "gene", 5), ("studies", None, None))
#: What the pooled models read: the shipped ``unmodified`` model's groups (no conditions, no identity);
#: ``lgbm-rank`` also reads the optional ``transcript`` group, for its level term only.
POOLED_GROUPS = ["kmers", "position", "thermo", "rules", "target"]
LEVEL_GROUPS = ["transcript"]
POOLED_TRAINING = "pooled − held out"  # every copy, gene and transcript of the held-out rows left out


def run(args: argparse.Namespace) -> list[dict]:
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        raise SystemExit(f"error: unknown model(s) {', '.join(unknown)} (known: {', '.join(MODELS)})")
    rows = []
    for data, strategy, folds in PLAN:
        if args.only and f"{data}:{strategy}" not in args.only:
            continue
        table = load_table(data)
        if strategy == "group":
            table = table.assign(group=table[GROUP_COLUMN[data]])
        features = compute_features(table, cache_dir=default_cache_dir(), file=data).drop(columns="id")
        for name in args.models:
            make = MODELS[name]
            inputs = model_inputs(name if name != "gbm-plain" else "lgbm", table, lambda: features)
            start = time.perf_counter()
            cv = cross_validate(table, inputs, lambda: make(args), strategy, folds, args.seed)
            rows.append({"data": data, "split": f"{folds}-fold {strategy}", "model": name,
                         "seconds": round(time.perf_counter() - start, 1), **cv.overall,
                         **fold_pearson(table["remaining_pct"], cv.oof, cv.fold)})
            show(rows[-1:])
            if args.json:
                args.json.write_text(json.dumps(json_safe(rows), indent=1))
    for target, strategy, folds in POOLED_PLAN:
        key = f"pooled:{target}" + (f":{strategy}" if strategy else "")
        if args.only and key not in args.only:
            continue
        rows.extend(run_pooled(target, strategy, folds, args, rows))
    return rows


def run_pooled(target: str, strategy: str | None, folds: int | None, args: argparse.Namespace,
               done: list[dict]) -> list[dict]:
    """Rows for one pooled evaluation (see the module docstring)."""
    pooled = pooled_unmodified()
    groups = POOLED_GROUPS + LEVEL_GROUPS
    all_pool_features = compute_features(pooled.table, groups, cache_dir=default_cache_dir(), file="pool").drop(columns="id")
    makers = {
        "lgbm-rank": (lambda: model_class("lgbm-rank")(n_jobs=args.threads, random_state=args.seed), groups),
        "lgbm": (lambda: LgbmEfficacyModel(n_jobs=args.threads, random_state=args.seed), POOLED_GROUPS),
    }
    rows = []
    for name, (make, read) in makers.items():
        if name not in args.pooled_models:
            continue
        pool_features = _columns_of(all_pool_features, read)
        start = time.perf_counter()
        if target == "studies":
            per_study = leave_one_study_out(pooled, pool_features, make)
            for record in per_study.to_dict("records"):
                rows.append({"data": record.pop("study"), "split": "leave-one-study-out", "model": name,
                             "training": POOLED_TRAINING, **record})
            rows[-1]["seconds"] = round(time.perf_counter() - start, 1)
        else:
            table = load_table(target)
            table = table[unmodified_labelled(table)].reset_index(drop=True)
            table = with_pool_transcripts(pooled.table, table)  # as the pool lends its own rows theirs
            features = _columns_of(compute_features(table, groups, cache_dir=default_cache_dir(), file=target), read)
            metrics = dataset_cv(pooled, pool_features, table, features, make, folds, args.seed, strategy)
            plain = metrics.pop("study_not_given", None)
            rows.append({"data": target, "split": f"{folds}-fold {strategy}", "model": name, "training": POOLED_TRAINING,
                         "seconds": round(time.perf_counter() - start, 1), **metrics})
            if plain is not None:  # the same fold models, each row's study not given (design's case)
                rows.append({"data": target, "split": f"{folds}-fold {strategy}", "model": f"{name}, study not given",
                             "training": POOLED_TRAINING, **plain})
            if name == "lgbm":  # the same folds, trained on the dataset alone
                start = time.perf_counter()
                cv = cross_validate(table, features, make, strategy, folds, args.seed)
                within = within_group_pearson(table["remaining_pct"].to_numpy(float), cv.oof,
                                              group_keys(table, "gene").to_numpy())
                rows.append({"data": target, "split": f"{folds}-fold {strategy}", "model": name, "training": f"{target} alone",
                             "seconds": round(time.perf_counter() - start, 1), **cv.overall,
                             "within_group_pearson": within, **fold_pearson(table["remaining_pct"], cv.oof, cv.fold)})
        show(rows)
        if args.json:
            args.json.write_text(json.dumps(json_safe(done + rows), indent=1))
    return rows


def _columns_of(features: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """The feature columns of ``groups`` (named ``group__feature``)."""
    return features[[c for c in features.columns if c.split(SEPARATOR, 1)[0] in groups]]


def show(rows: list[dict]) -> None:
    table = Table(title="siRNA efficacy, held-out folds (same folds for every model)")
    columns = ("data", "split", "model", "training", "score", "mae", "f1", "range_mae", "pearson", "pearson_fold_mean",
               "spearman", "within_group_pearson", "seconds")
    heads = {"within_group_pearson": "within-gene r", "pearson_fold_mean": "Pearson per fold"}
    for column in columns:
        table.add_column(heads.get(column, column),
                         justify="left" if column in ("data", "split", "model", "training") else "right")
    for row in rows:
        table.add_row(*[_cell(row, c) for c in columns])
    Console(width=max(Console().width, 140)).print(table)


def _cell(row: dict, column: str) -> str:
    value = row.get(column, "" if column != "training" else "the data's own training folds")
    if isinstance(value, str):
        return value
    if column == "pearson_fold_mean":  # mean ± sd over folds, as published tools report it
        return f"{value:.3f} ± {row['pearson_fold_sd']:.3f}"
    return f"{value:.0f}" if column == "seconds" else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--threads", type=int, default=None, help="LightGBM/PyTorch threads (default: the cores available)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", type=lambda t: t.split(","), default=list(MODELS),
                        help=f"comma-separated, from {', '.join(MODELS)}")
    parser.add_argument("--pooled-models", type=lambda t: t.split(","), default=["lgbm-rank", "lgbm"],
                        help="pooled rows' models, from lgbm-rank, lgbm (default both; lgbm also scores the set alone)")
    parser.add_argument("--only", type=lambda t: t.split(","), default=None,
                        help="restrict to data:split pairs, e.g. sais_sirna_2024:gene, or pooled:huesken2005:random, "
                             "pooled:huesken2005:gene, pooled:sirnaefficacydb:gene, pooled:ichihara2007:gene, pooled:studies")
    parser.add_argument("--gru-epochs", type=int, default=30, help="epoch cap of gru-baseline (early stopping inside)")
    args = parser.parse_args(argv)
    show(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
