"""Train the models shipped inside the package, reproducibly.

    python scripts/train_default_models.py [--only default|unmodified] [--threads N]

``default`` (``--model default``): lgbm on every feature group of the shared SAIS 2024 training
file, cross-validated 5-fold gene-held-out. ``unmodified`` (what ``rnakit sirna design`` scores
unmodified siRNAs with): ``lgbm-rank`` on the k-mer, position, thermodynamic, rules and target-site
groups (and the transcript's GC for its level term) of the public unmodified sets pooled (:mod:`rnakit.sirna.datasets.pooled`: copies across
sets dropped, listed in the folder's ``copies.tsv.gz``), its objective chosen on inner gene-grouped
folds; its metrics are siRNAEfficacyDB's own 5-fold gene-held-out folds, each fold's model trained
on the pool minus every copy, gene and transcript of the held-out rows, each held-out row put on its
study's scale (``overall``) and on the one line design uses (``overall_study_not_given``). Seed 0. Each manifest
records the training data's sha256, the features and the cross-validated metrics; out-of-fold
tables and reports are left out of the package (they are large and reproducible).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from rnakit.outputs import output_folder
from rnakit.sirna.crossstudy import dataset_cv, fit_pooled, with_pool_transcripts
from rnakit.sirna.datasets.pooled import (
    DEFAULT_SETS,
    pooled_unmodified,
    unmodified_labelled,
)
from rnakit.sirna.features import compute_features, default_cache_dir
from rnakit.sirna.models.registry import (
    MANIFEST,
    MODEL_FOLDER,
    RUN_COMMAND,
    model_class,
    write_model,
)
from rnakit.files import json_safe
from rnakit.sirna.runs import SHIPPED_MODELS_DIR, table_digest, train_run
from rnakit.sirna.tables import load_table

#: name → (training data, feature groups; None = all)
RECIPES: dict[str, tuple[str, list[str] | None]] = {
    "default": ("sais_sirna_2024", None),
    # No 'composition': its passenger counts would see the 21-nt designed passengers differently from
    # the 19-nt passengers of much of the training data.
    # 'transcript' (optional group) feeds lgbm-rank's linear level term only, never its trees.
    "unmodified": ("pooled unmodified sets", ["kmers", "position", "thermo", "rules", "target", "transcript"]),
}
POOLED_MODEL = "lgbm-rank"
COPIES_FILE = "copies.tsv.gz"  # compressed: ~6,400 rows would add ~0.9 MB to the package otherwise
COPY_COLUMNS = ("dropped_dataset", "dropped_id", "kept_dataset", "kept_id", "reason")
POOLED_SCORED_ON = "sirnaefficacydb"  # the metrics in the manifest: this set's own gene-held-out folds


def train_pooled(name: str, threads: int | None) -> dict:
    """The ``unmodified`` model: lgbm-rank on the pooled public sets (see the module docstring)."""
    _, feature_groups = RECIPES[name]
    pooled = pooled_unmodified()
    pool = pooled.table
    cache = default_cache_dir()
    features = compute_features(pool, feature_groups, cache_dir=cache, file="pooled unmodified sets").drop(columns="id")

    def make() -> object:
        return model_class(POOLED_MODEL)(n_jobs=threads, random_state=0)

    scored = load_table(POOLED_SCORED_ON)
    scored = with_pool_transcripts(pool, scored[unmodified_labelled(scored)].reset_index(drop=True))
    scored_features = compute_features(scored, feature_groups, cache_dir=cache, file=POOLED_SCORED_ON).drop(columns="id")
    metrics = dataset_cv(pooled, features, scored, scored_features, make, n_folds=5, seed=0)
    not_given = metrics.pop("study_not_given", None)  # design's case: no study, the one line
    final = fit_pooled(make, pool, features, np.arange(len(pool)))
    manifest = {
        "feature_groups": feature_groups, "training_data": "pooled unmodified sets", "training_sets": list(DEFAULT_SETS),
        "training_rows": len(pool), "training_rows_per_set": pool["dataset"].value_counts().to_dict(),
        "training_data_sha256": table_digest(pool), "seed": 0,
        "copies_dropped": pooled.copies["dropped_dataset"].value_counts().to_dict(), "copies_file": COPIES_FILE,
        "objective": final.chosen_, "inner_within_study_pearson": final.inner_scores_,
        "inner_within_gene_pearson": final.inner_within_group_,
        "metrics": {"strategy": "gene", "folds": 5, "seed": 0, "scored_on": POOLED_SCORED_ON,
                    "training": "pool minus every copy, gene and transcript of the held-out rows",
                    "overall": metrics, "overall_study_not_given": not_given},
        "line_shrinkage": final.shrinkage_, "line_shrinkage_inner_rmse": {
            study: {str(k): v for k, v in rmse.items()} for study, rmse in final.shrinkage_inner_.items()},
        "study_lines": final.study_lines_, "level_term": final.level_, "level_term_inner": final.level_inner_,
    }
    with output_folder(SHIPPED_MODELS_DIR / name, command=RUN_COMMAND) as folder:
        write_model(final, POOLED_MODEL, folder, json_safe(manifest))
        pooled.copies[list(COPY_COLUMNS)].to_csv(folder / COPIES_FILE, sep="\t", index=False)
    print(f"{name} model ({POOLED_MODEL}, objective {final.chosen_}, {len(pool)} pooled rows) → "
          f"{SHIPPED_MODELS_DIR / name}; {POOLED_SCORED_ON} 5-fold gene-held-out Pearson {metrics['pearson']:.3f}, "
          f"within-gene {metrics['within_group_pearson']:.3f}")
    return manifest


def train_shipped(name: str, threads: int | None) -> dict:
    """Train one shipped model and replace its folder in the package."""
    if name == "unmodified":
        return train_pooled(name, threads)
    data, feature_groups = RECIPES[name]
    table = load_table(data)
    destination = SHIPPED_MODELS_DIR / name
    with tempfile.TemporaryDirectory() as scratch:
        run = Path(scratch) / "run"
        summary = train_run(table, data=data, model="lgbm", strategy="gene", n_folds=5, seed=0, threads=threads,
                            out=run, cache_dir=default_cache_dir(), feature_groups=feature_groups)
        with output_folder(destination, command=RUN_COMMAND) as folder:  # sealed: predict checks every file
            shutil.copytree(run / MODEL_FOLDER, folder / MODEL_FOLDER)
            shutil.copy(run / MANIFEST, folder / MANIFEST)
    overall = summary["cv"]["overall"]
    print(f"{name} model ({data}) → {destination}; 5-fold gene-held-out score {overall['score']:.4f}, "
          f"Pearson {overall['pearson']:.3f}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RECIPES), help="train just this model")
    parser.add_argument("--threads", type=int, default=None, help="LightGBM threads (default: the cores available)")
    args = parser.parse_args(argv)
    for name in [args.only] if args.only else RECIPES:
        train_shipped(name, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
