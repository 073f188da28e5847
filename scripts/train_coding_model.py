"""Train the shipped human coding-potential model (``rnakit lncrna coding-potential``'s default).

    python scripts/train_coding_model.py [--data-dir DIR] [--out DIR]

Data: the human files of the shared ``coding_potential`` set (see its SOURCE.md and
``rnakit.lncrna.coding.HUMAN_TRAINING_FILES``): RefSeq/GENCODE mRNAs (LncADeep, NCResNet "short",
RNAlight ×2) and CREMA's random Ensembl cDNAs whose ``transcript_biotype`` is ``protein_coding`` are
coding; GENCODE/Ensembl lncRNAs (CPAT's own training lncRNAs, PreLnc, LncADeep, NCResNet) are
non-coding. CREMA's retained-intron, NMD, pseudogene… transcripts are left out (none of its
records is a lncRNA). The mouse files are not used.

Class balance: about 3.3 k coding against 22 k non-coding transcripts after removing identical
copies. All are kept (more non-coding transcripts give better non-coding hexamer frequencies); the
logistic regression weighs both classes equally (``class_weight="balanced"``), which is what
CPAT's balanced 10 k + 10 k training amounts to, and the cutoff is placed at equal sensitivity and
specificity, which does not depend on the class sizes.

No CDS annotation is available here, so coding hexamer frequencies come from each coding
transcript's longest ORF, which may run off the 3' end without a stop as in CPAT's ORF finder (the
manifest says so). Seed 0; the output is deterministic.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from rnakit.lncrna.coding import default_model_dir, read_human_training_set, train_coding_model
from rnakit.sirna.datasets import default_data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=default_model_dir(), help="model folder to write")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if data_dir is None:
        parser.error("no shared data folder found: pass --data-dir")
    training = read_human_training_set(data_dir)
    model = train_coding_model(training.coding, training.noncoding, folds=5, seed=0)
    model = dataclasses.replace(model, training={
        "description": "human mRNAs (coding) and lncRNAs (non-coding) of the shared coding_potential data set; "
                       "coding hexamers from the longest ORF of each coding transcript (no CDS annotation available)",
        "files": training.files,
        **model.training,
    })
    model.save(args.out)
    cv = model.cross_validation
    print(f"coding-potential model → {args.out}: {model.training['coding_records']} coding, "
          f"{model.training['noncoding_records']} non-coding; threshold {model.threshold:.3f}; "
          f"5-fold gene-grouped CV AUC {cv['auc']:.4f}, sensitivity {cv['sensitivity']:.3f}, "
          f"specificity {cv['specificity']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
