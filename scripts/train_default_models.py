"""Train the models shipped inside the package, reproducibly.

    python scripts/train_default_models.py [--only default|unmodified] [--threads N]

``default`` (``--model default``): lgbm on every feature group of the shared SAIS 2024 training
file, cross-validated 5-fold gene-held-out. ``unmodified`` (what ``rnakit sirna design`` scores
unmodified siRNAs with): lgbm on the k-mer, position, thermodynamic, rules and target-site groups of
siRNAEfficacyDB (Huesken 2005, Katoh & Suzuki 2007 and the small classic sets; unmodified
siRNAs), cross-validated 5-fold gene-held-out. Seed 0. Each manifest records the training data's
sha256, the features and the cross-validated metrics; out-of-fold tables and reports are left out
of the package (they are large and reproducible).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from rnakit.outputs import output_folder
from rnakit.sirna.features import default_cache_dir
from rnakit.sirna.models.registry import MANIFEST, MODEL_FOLDER, RUN_COMMAND
from rnakit.sirna.runs import SHIPPED_MODELS_DIR, train_run
from rnakit.sirna.tables import load_table

#: name → (training data, feature groups; None = all)
RECIPES: dict[str, tuple[str, list[str] | None]] = {
    "default": ("sais_sirna_2024", None),
    # No 'composition': its passenger counts would see the 21-nt designed passengers differently from
    # the 19-nt passengers of the training set (passenger positions 20–21 of 'position' are constant
    # in training, so the trees never read them).
    "unmodified": ("sirnaefficacydb", ["kmers", "position", "thermo", "rules", "target"]),
}


def train_shipped(name: str, threads: int | None) -> dict:
    """Train one shipped model and replace its folder in the package."""
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
