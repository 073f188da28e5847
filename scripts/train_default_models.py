"""Train the default model shipped inside the package (``--model default``), reproducibly.

    python scripts/train_default_models.py [--data sais_sirna_2024] [--threads 2]

lgbm on every feature group of the shared SAIS 2024 training file, seed 0. The run's manifest
records the training data's sha256, the features and the 5-fold gene-held-out metrics; the
out-of-fold table and report are left out of the package (they are large and reproducible).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from rnakit.sirna.features import default_cache_dir
from rnakit.sirna.runs import DEFAULT_MODEL_DIR, train_run
from rnakit.sirna.tables import load_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="sais_sirna_2024")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    table = load_table(args.data)
    with tempfile.TemporaryDirectory() as scratch:
        run = Path(scratch) / "run"
        summary = train_run(table, data=args.data, model="lgbm", strategy="gene", n_folds=5, seed=0,
                            threads=args.threads, out=run, cache_dir=default_cache_dir())
        if DEFAULT_MODEL_DIR.exists():
            shutil.rmtree(DEFAULT_MODEL_DIR)
        DEFAULT_MODEL_DIR.mkdir(parents=True)
        shutil.copytree(run / "model", DEFAULT_MODEL_DIR / "model")
        shutil.copy(run / "manifest.json", DEFAULT_MODEL_DIR / "manifest.json")
    overall = summary["cv"]["overall"]
    print(f"default model → {DEFAULT_MODEL_DIR}; 5-fold gene-held-out score {overall['score']:.4f}, "
          f"Pearson {overall['pearson']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
