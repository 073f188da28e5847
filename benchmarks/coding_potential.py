"""Coding-potential benchmark: rnakit's CPAT-style model on held-out human genes, beside baselines and CPAT.

    python benchmarks/coding_potential.py [--json OUT] [--data-dir DIR] [--cpat-python PY --cpat-model DIR]

Data: the human training set of the shipped model (``HUMAN_TRAINING_FILES`` of
``rnakit.lncrna.coding``; identical sequences kept once). Protocol: 5-fold cross-validation whose
folds never split a gene group (same gene named in the headers, or sharing exact 32-mers over ≥ 20 %
of the shorter sequence — isoforms never straddle train and test), stratified by class, seed 0.
Each fold trains on four fifths and is scored on the held-out fifth:

* ``rnakit CPAT-style`` — ``train_coding_model`` exactly as the shipped model is trained (its own
  hexamer table and an inner gene-grouped 5-fold CV that picks the ORF-size scale and places the
  sens = spec threshold, on the fold's training part only), then scored;
  ORFs may run off the 3' end without a stop, as in CPAT's ORF finder;
* ``rnakit CPAT-style, ORFs closed by a stop`` — the same with ``open_end=False`` (AUG…stop only);
* ``ORF length`` and ``ORF length + coverage`` — the longest ORF's size alone (cutoff at
  sens = spec on the training part) and a balanced logistic regression on size and coverage;
* ``CPAT 3.0.5 (measured)`` — only with ``--cpat-python`` (a Python whose environment has
  ``pip install cpat``) and ``--cpat-model`` (a folder with CPAT's ``Human_Hexamer.tsv`` and
  ``Human_logitModel.RData``, from the ``dat/`` folder of CPAT's source distribution; that
  distribution also holds CPAT's human *test* set, the project's held-out evaluation set — do not
  extract it). CPAT's own ORF finder, Fickett and hexamer code with its shipped human model (R's
  ``glm``, applied here without R), default settings (sense strand, ORFs > 75 nt, best of the top 5
  by probability), cutoff 0.364. Its training lncRNAs are one of our non-coding files, so it has seen
  many of the held-out non-coding transcripts.
* ``CPAT (published)`` — Wang et al., NAR 2013;41:e74, human test set of 4,000 RefSeq mRNAs and
  4,000 lincRNAs (not these data): sensitivity 0.96, specificity 0.97 at cutoff 0.364 (abstract),
  AUC 0.99 (reported as 0.9927 in summaries of the paper; not checked against its table here);
  the cutoff is where sensitivity = specificity = 0.966 in its 10-fold CV (CPAT documentation).

Metrics pooled over the held-out folds: ROC-AUC, accuracy, sensitivity (coding called coding),
specificity, for all transcripts and for the subset closest to CPAT's test set (complete mRNAs of
LncADeep and RNAlight against all lncRNAs; NCResNet's deliberately short-ORF mRNAs and CREMA's random
cDNAs, which include incomplete CDSs, are the hard cases left out of it), and without the lncRNAs of
CPAT's own training file (which measured CPAT has seen). Seconds = wall time to train and to score,
per fold, summed. Also timed: scoring every transcript with the shipped model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from benchtable import print_rows
from rnakit.lncrna.coding import (
    CodingModel, Transcripts, deduplicate, equal_error_threshold, grouped_folds,
    read_human_training_set, train_coding_model,
)
from rnakit.lncrna.gene_groups import gene_groups
from rnakit.sirna.datasets import default_data_dir

FOLDS = 5
SEED = 0
COMPLETE_MRNA_FILES = ("lncadeep_human_mRNA_test.fa", "rnalight_human_mRNA_sublocation_TestSet.fa",
                       "rnalight_human_mRNA_HaloSeq_independent.fa")
CPAT_CUTOFF = 0.364
CPAT_TRAINING_FILE = "cpat_Human_noncoding_transcripts_RNA.fa.gz"  # CPAT's own training lncRNAs
PUBLISHED = {"model": "CPAT (published, its human test set)", "auc": 0.99, "accuracy": None,
             "sensitivity": 0.96, "specificity": 0.97}

# Run by the CPAT environment's Python: FASTA in, "id<TAB>coding probability" out. Mirrors CPAT 3's
# cpat.py for FASTA input with default options; the logistic model's coefficients are read from the
# RData file (XDR serialisation) because R is not needed to apply them.
CPAT_WORKER = r'''
import gzip, math, struct, sys
from cpmodule import fickett, FrameKmer, find_orfs
fasta, model_dir, out = sys.argv[1:4]
data = gzip.decompress(open(model_dir + "/Human_logitModel.RData", "rb").read())
at = data.index(b"\x00\x00\x02\x0e\x00\x00\x00\x05", data.index(b"mylogit"))
b0, b_mrna, b_orf, b_fickett, b_hexamer = struct.unpack(">5d", data[at + 8:at + 48])
coding, noncoding = {}, {}
for line in open(model_dir + "/Human_Hexamer.tsv"):
    fields = line.split()
    if fields[0] != "hexamer":
        coding[fields[0]], noncoding[fields[0]] = float(fields[1]), float(fields[2])
with open(out, "w") as handle:
    for name, seq in FrameKmer.seq_generator(fasta):
        best = 0.0  # no ORF > 75 nt: CPAT lists it as non-coding
        for orf in find_orfs.ORFFinder(seq=seq, min_orf=75).orf_candidates(antisense=False, n_candidate=5):
            orf_seq = orf[-1]
            z = (b0 + b_mrna * len(seq) + b_orf * orf[4] + b_fickett * fickett.fickett_value(orf_seq)
                 + b_hexamer * FrameKmer.kmer_ratio(orf_seq, 6, 3, coding, noncoding))
            best = max(best, 1 / (1 + math.exp(-z)))
        handle.write(f"{name}\t{best}\n")
'''


def pooled(labels: np.ndarray, scores: np.ndarray, calls: np.ndarray, subset: np.ndarray) -> dict:
    """Metrics over ``subset``: AUC of the scores, and accuracy/sens/spec of the per-fold calls."""
    truth, called = labels[subset], calls[subset]
    return {"auc": float(roc_auc_score(truth, scores[subset])), "accuracy": float((called == truth).mean()),
            "sensitivity": float(called[truth].mean()), "specificity": float((~called[~truth]).mean())}


def baseline(features: np.ndarray, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Balanced logistic regression on ``features`` (or the single feature itself): test scores and calls."""
    if features.shape[1] == 1:
        train_scores, test_scores = features[train, 0], features[test, 0]
    else:
        scaler = StandardScaler().fit(features[train])
        regression = LogisticRegression(class_weight="balanced", max_iter=1000).fit(scaler.transform(features[train]), labels[train])
        train_scores = regression.predict_proba(scaler.transform(features[train]))[:, 1]
        test_scores = regression.predict_proba(scaler.transform(features[test]))[:, 1]
    cutoff = equal_error_threshold(labels[train], train_scores)
    return test_scores, test_scores >= cutoff


def run_cpat(python: str, model_dir: Path, records: list[tuple[str, str, str]]) -> tuple[np.ndarray, float]:
    """CPAT's coding probability of each record, and the seconds it took."""
    with tempfile.TemporaryDirectory() as scratch:
        fasta, out = Path(scratch) / "in.fa", Path(scratch) / "out.tsv"
        fasta.write_text("".join(f">S{i}\n{seq.upper().replace('U', 'T')}\n" for i, (_, _, seq) in enumerate(records)))
        started = time.perf_counter()
        subprocess.run([python, "-c", CPAT_WORKER, str(fasta), str(model_dir), str(out)], check=True)
        seconds = time.perf_counter() - started
        probability = {name: float(p) for name, p in (line.split("\t") for line in out.read_text().splitlines())}
    return np.array([probability[f"S{i}"] for i in range(len(records))]), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--data-dir", type=Path, help="shared data folder (default: ../shared/data)")
    parser.add_argument("--cpat-python", help="Python of an environment with CPAT installed")
    parser.add_argument("--cpat-model", type=Path, help="folder with CPAT's Human_Hexamer.tsv and Human_logitModel.RData")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if data_dir is None:
        parser.error("no shared data folder found: pass --data-dir")

    training = read_human_training_set(data_dir)
    coding_kept, noncoding_kept, dropped = deduplicate(training.coding, training.noncoding)
    records = [training.coding[i] for i in coding_kept] + [training.noncoding[i] for i in noncoding_kept]
    sources = [training.coding_sources[i] for i in coding_kept] + [training.noncoding_sources[i] for i in noncoding_kept]
    labels = np.r_[np.ones(len(coding_kept), dtype=bool), np.zeros(len(noncoding_kept), dtype=bool)]
    complete = ~labels | np.isin(sources, COMPLETE_MRNA_FILES)
    unseen_by_cpat = np.array(sources) != CPAT_TRAINING_FILE
    groups = gene_groups([(header, seq) for _, header, seq in records])
    folds = grouped_folds(labels, groups, FOLDS, SEED)
    print(f"{labels.sum()} coding, {(~labels).sum()} non-coding transcripts ({dropped}); "
          f"{groups.max() + 1} gene groups; {FOLDS} folds", file=sys.stderr)

    ours = {"rnakit CPAT-style": True, "rnakit CPAT-style, ORFs closed by a stop": False}  # name → open_end
    orf_length, orf_coverage, cpat = "ORF length", "ORF length + coverage", "CPAT 3.0.5 (measured, shipped human model)"
    names = [*ours, orf_length, orf_coverage] + ([cpat] if args.cpat_python and args.cpat_model else [])
    scores = {name: np.zeros(len(records)) for name in names}
    calls = {name: np.zeros(len(records), dtype=bool) for name in names}
    seconds = dict.fromkeys(names, 0.0)
    fold_auc: dict[str, list[float]] = {name: [] for name in names}
    chosen_scale: dict[str, list[str]] = {name: [] for name in ours}  # each fold's ORF-size scale
    started = time.perf_counter()
    transcripts = Transcripts((record_id, seq) for record_id, _, seq in records)  # ORFs for the baselines
    for name in (orf_length, orf_coverage):
        seconds[name] += time.perf_counter() - started
    for number, (train, test) in enumerate(folds, 1):
        for name, open_end in ours.items():
            started = time.perf_counter()
            model = train_coding_model([records[i] for i in train if labels[i]], [records[i] for i in train if not labels[i]],
                                       folds=FOLDS, seed=SEED, open_end=open_end)
            held_out = model.score([(records[i][0], records[i][2]) for i in test])
            seconds[name] += time.perf_counter() - started
            chosen_scale[name].append(model.orf_size_scale)
            scores[name][test] = held_out["coding_prob"].to_numpy()
            calls[name][test] = (held_out["label"] == "coding").to_numpy()

        for name, columns in ((orf_length, [transcripts.orf_size]),
                              (orf_coverage, [transcripts.orf_size, transcripts.orf_size / transcripts.mrna_size])):
            started = time.perf_counter()
            scores[name][test], calls[name][test] = baseline(np.column_stack(columns).astype(float), labels, train, test)
            seconds[name] += time.perf_counter() - started
        if cpat in names:
            probability, cpat_seconds = run_cpat(args.cpat_python, args.cpat_model, [records[i] for i in test])
            scores[cpat][test], calls[cpat][test] = probability, probability >= CPAT_CUTOFF
            seconds[cpat] += cpat_seconds
        for name in names:
            fold_auc[name].append(float(roc_auc_score(labels[test], scores[name][test])))
        print(f"fold {number}: " + ", ".join(f"{name} AUC {fold_auc[name][-1]:.4f}" for name in names), file=sys.stderr)

    everyone = np.ones(len(records), dtype=bool)
    rows = []
    for name in names:
        for subset_name, subset in (("all", everyone), ("complete mRNAs vs lncRNAs", complete),
                                    ("without CPAT's training lncRNAs", unseen_by_cpat)):
            rows.append({"model": name, "subset": subset_name, **pooled(labels, scores[name], calls[name], subset),
                         **({"fold_auc_min": min(fold_auc[name]), "seconds": seconds[name]} if subset is everyone else {})})
    rows.append({**PUBLISHED, "subset": "CPAT's test set (other data)"})

    shipped = CodingModel.load()
    started = time.perf_counter()
    shipped.score([(record_id, seq) for record_id, _, seq in records])
    scoring_seconds = time.perf_counter() - started

    columns = ["model", "subset", "auc", "accuracy", "sensitivity", "specificity", "fold_auc_min", "seconds"]
    print_rows(f"Coding potential, {FOLDS}-fold gene-grouped CV on human transcripts "
               f"({labels.sum()} coding, {(~labels).sum()} non-coding)", rows, columns, text_columns=["model", "subset"])
    print(f"shipped model scores all {len(records)} transcripts in {scoring_seconds:.1f} s "
          f"({len(records) / scoring_seconds:,.0f} per second)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "protocol": {"folds": FOLDS, "seed": SEED, "grouping": "gene groups (headers + shared 32-mers)",
                         "gene_groups": int(groups.max()) + 1, "coding": int(labels.sum()),
                         "noncoding": int((~labels).sum()), "complete_mrna_files": list(COMPLETE_MRNA_FILES),
                         "complete_subset_coding": int((complete & labels).sum()),
                         "noncoding_not_in_cpat_training": int((unseen_by_cpat & ~labels).sum()), **dropped},
            "rows": rows,
            "fold_auc": fold_auc,
            "orf_size_scale_per_fold": chosen_scale,
            "shipped_model_scoring": {"transcripts": len(records), "seconds": scoring_seconds},
            "cpat_published_source": "Wang et al. NAR 2013;41:e74 (abstract: sensitivity 0.96, specificity 0.97 on the "
                                     "human test set at cutoff 0.364); CPAT docs 'How to choose cutoff' (0.364, "
                                     "sensitivity = specificity = 0.966); AUC 0.99 (0.9927 per summaries, unverified)",
        }, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
