"""Coding potential as CPAT computes it (Wang et al., NAR 2013;41:e74), trained and shipped here.

Four features of a transcript's longest forward ORF (AUG … stop, or AUG … 3' end when no stop
follows, as in CPAT's ORF finder): its size in nt, its coverage
(ORF size / transcript size), Fickett's TESTCODE score of the ORF and its in-frame hexamer score.
A logistic regression on the standardised features gives the coding probability (the ORF size
enters linearly, as in CPAT, or as log(1 + size): training picks the one with the higher
gene-grouped cross-validated AUC on its own data); the call
``coding`` is probability ≥ ``threshold``, where ``threshold`` is the point of equal sensitivity and
specificity in gene-grouped cross-validation on the training data (CPAT's "two-graph ROC" cutoff).

A model is a folder: ``manifest.json`` (format, features, scaler, coefficients, threshold, training
data and cross-validation metrics) and ``hexamer.tsv`` (the hexamer counts). Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from rnakit import __version__
from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.lncrna.fickett import fickett_scores
from rnakit.lncrna.gene_groups import gene_groups
from rnakit.lncrna.hexamer import HexamerTable, PackedRna, count_hexamers
from rnakit.outputs import output_folder
from rnakit.seq.alphabet import normalise_rna, validate_rna
from rnakit.seq.fasta import read_fasta_records
from rnakit.seq.orf import STOP_CODONS, longest_orf
from rnakit.seq.records import SequencesLike, sequence_records

FEATURES = ("orf_size", "orf_coverage", "fickett", "hexamer")
# The columns of ``rnakit lncrna coding-potential``'s table (CPAT's names where it has one), which
# :meth:`CodingModel.score` returns too: Python and the CLI show one table.
SCORE_COLUMNS = ("id", "mRNA_size", "ORF_size", "Fickett_score", "Hexamer_score", "coding_prob", "label")
MODEL_FORMAT = "rnakit-coding-model"
FORMAT_VERSION = 2  # 2: the manifest says whether ORFs may run off the 3' end and how ORF size enters
ORF_SIZE_SCALES = ("linear", "log")
MANIFEST = "manifest.json"
HEXAMER_FILE = "hexamer.tsv"
TRAIN_COMMAND = "rnakit lncrna train-coding"  # names the writer in a model folder's marker
DEFAULT_MODEL = "coding_human"
# N (an unknown base, e.g. a genome gap inside an assembled transcript) is accepted and skipped.
NUCLEOTIDES = frozenset("ACGUN")


def write_scores(scores: pd.DataFrame, handle: TextIO) -> None:
    """:meth:`CodingModel.score`'s table as ``rnakit lncrna coding-potential`` writes it (TSV, 6 digits)."""
    scores.to_csv(handle, sep="\t", index=False, float_format="%.6g")


def default_model_dir() -> Path:
    """Folder of the shipped human model."""
    return Path(str(resources.files("rnakit").joinpath("data", "models", DEFAULT_MODEL)))


class Transcripts:
    """Validated transcripts with their longest forward ORF and the features that need no training.

    ``records`` are ``(id, sequence)`` with ACGT or ACGU letters in any case (N allowed); a record
    with another letter raises SequenceError naming the record and position (and ``source``).
    """

    def __init__(self, records: Iterable[tuple[str, str]], *, source: str | None = None, open_end: bool = True) -> None:
        self.ids: list[str] = []
        sequences: list[str] = []
        for record_id, sequence in records:
            sequences.append(validate_rna(sequence, file=source, row=record_id, letters=NUCLEOTIDES))
            self.ids.append(record_id)
        spans = [longest_orf(sequence, open_end=open_end) for sequence in sequences]
        self.orfs = [sequence[span[0] : span[1]] if span else "" for sequence, span in zip(sequences, spans)]
        self.sequences = PackedRna.from_sequences(sequences)
        self.orf_sequences = PackedRna.from_sequences(self.orfs)
        self.mrna_size = self.sequences.lengths
        self.orf_size = self.orf_sequences.lengths
        self.fickett = fickett_scores(self.orf_sequences)

    def __len__(self) -> int:
        return len(self.ids)

    def features(self, hexamer: HexamerTable, orf_size_scale: str = "linear") -> np.ndarray:
        """Feature matrix (transcripts × :data:`FEATURES`) with ``hexamer``'s scores; the ORF size
        as is (``"linear"``) or as log(1 + size) (``"log"``: sizes span three orders of magnitude)."""
        size = np.log1p(self.orf_size) if orf_size_scale == "log" else self.orf_size
        return np.column_stack(
            [size, self.orf_size / self.mrna_size, self.fickett, hexamer.score(self.orf_sequences)]
        ).astype(float)


@dataclass(frozen=True)
class CodingModel:
    """A trained coding-potential model: hexamer table, standardisation, logistic regression, cutoff."""

    hexamer: HexamerTable
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    open_end: bool = True  # ORFs may run off the 3' end (CPAT's ORF finder)
    orf_size_scale: str = "linear"  # one of ORF_SIZE_SCALES
    training: dict[str, Any] = field(default_factory=dict)
    cross_validation: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, transcripts: Transcripts) -> np.ndarray:
        """Coding probability of each transcript."""
        return self._logistic(transcripts.features(self.hexamer, self.orf_size_scale))

    def _logistic(self, features: np.ndarray) -> np.ndarray:
        z = (features - np.array(self.mean)) / np.array(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.array(self.coef) + self.intercept)))

    def score(self, records: SequencesLike, *, source: str | None = None) -> pd.DataFrame:
        """One row per transcript, in input order, with :data:`SCORE_COLUMNS` (the CLI's table):
        ``label`` is ``coding`` when ``coding_prob`` reaches the model's threshold.

        ``records``: ``(id, sequence)`` pairs, sequence strings, Biopython SeqRecords, a FASTA path
        (see :func:`rnakit.seq.records.sequence_records`); errors name ``source`` and the record.

        >>> CodingModel.load().score("AUGGCC" * 100 + "UAA")[["id", "ORF_size", "label"]]
                 id  ORF_size   label
        0  sequence       603  coding
        """
        transcripts = Transcripts(sequence_records(records), source=source, open_end=self.open_end)
        features = transcripts.features(self.hexamer, self.orf_size_scale)
        probability = self._logistic(features)
        return pd.DataFrame({
            "id": transcripts.ids,
            "mRNA_size": transcripts.mrna_size,
            "ORF_size": transcripts.orf_size,
            "Fickett_score": transcripts.fickett,
            "Hexamer_score": features[:, FEATURES.index("hexamer")],
            "coding_prob": probability,
            "label": np.where(probability >= self.threshold, "coding", "noncoding"),
        }, columns=list(SCORE_COLUMNS))

    def manifest(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": FORMAT_VERSION,
            "rnakit_version": __version__,
            "features": list(FEATURES),
            "orf": {"start": "AUG", "stops": sorted(STOP_CODONS), "strand": "forward", "choice": "longest",
                    "open_3prime_end": self.open_end},
            "orf_size_scale": self.orf_size_scale,
            "scaler": {"mean": list(self.mean), "scale": list(self.scale)},
            "logistic_regression": {"coef": list(self.coef), "intercept": self.intercept},
            "threshold": self.threshold,
            "hexamer": {
                "file": HEXAMER_FILE,
                "sha256": hashlib.sha256(self.hexamer.to_tsv().encode()).hexdigest(),
                "pseudocount": self.hexamer.pseudocount,
            },
            "training": self.training,
            "cross_validation": self.cross_validation,
        }

    def save(self, path: str | Path) -> None:
        """Write the model folder all or nothing (see :mod:`rnakit.outputs`)."""
        with output_folder(path, command=TRAIN_COMMAND) as folder:
            (folder / HEXAMER_FILE).write_text(self.hexamer.to_tsv(), encoding="utf-8")
            (folder / MANIFEST).write_text(json.dumps(self.manifest(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> CodingModel:
        """Read a model folder (None: the shipped human model); InputFormatError if it is not one."""
        folder = Path(path) if path is not None else default_model_dir()
        manifest_path = folder / MANIFEST
        if not folder.is_dir():
            raise InputFormatError("not a coding-potential model folder (no such directory)", file=str(folder))
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputFormatError(f"not a coding-potential model folder (no {MANIFEST})", file=str(folder)) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputFormatError(f"unreadable manifest ({exc.__class__.__name__}: {exc})", file=str(manifest_path)) from None
        return _model_from_manifest(manifest, folder)


def _model_from_manifest(manifest: Any, folder: Path) -> CodingModel:
    where = str(folder / MANIFEST)

    def field_of(mapping: Any, key: str, name: str) -> Any:
        if not isinstance(mapping, dict) or key not in mapping:
            raise InputFormatError("missing field", file=where, column=name)
        return mapping[key]

    def numbers(value: Any, name: str, length: int) -> tuple[float, ...]:
        if not isinstance(value, list) or len(value) != length or not all(_is_finite(v) for v in value):
            raise InputFormatError(f"expected {length} finite numbers", file=where, column=name)
        return tuple(float(v) for v in value)

    if field_of(manifest, "format", "format") != MODEL_FORMAT:
        raise InputFormatError(f"not a coding-potential model (format is not {MODEL_FORMAT!r})", file=where, column="format")
    if field_of(manifest, "format_version", "format_version") != FORMAT_VERSION:
        raise InputFormatError(f"unsupported format version (this rnakit reads {FORMAT_VERSION})", file=where, column="format_version")
    if field_of(manifest, "features", "features") != list(FEATURES):
        raise InputFormatError(f"expected the features {list(FEATURES)}", file=where, column="features")
    n = len(FEATURES)
    scaler = field_of(manifest, "scaler", "scaler")
    logistic = field_of(manifest, "logistic_regression", "logistic_regression")
    mean = numbers(field_of(scaler, "mean", "scaler.mean"), "scaler.mean", n)
    scale = numbers(field_of(scaler, "scale", "scaler.scale"), "scaler.scale", n)
    if min(scale) <= 0:
        raise InputFormatError("scales must be > 0", file=where, column="scaler.scale")
    coef = numbers(field_of(logistic, "coef", "logistic_regression.coef"), "logistic_regression.coef", n)
    (intercept,) = numbers([field_of(logistic, "intercept", "logistic_regression.intercept")], "logistic_regression.intercept", 1)
    (threshold,) = numbers([field_of(manifest, "threshold", "threshold")], "threshold", 1)
    if not 0 <= threshold <= 1:
        raise InputFormatError("threshold must be a probability in [0, 1]", file=where, column="threshold")
    open_end = field_of(field_of(manifest, "orf", "orf"), "open_3prime_end", "orf.open_3prime_end")
    if not isinstance(open_end, bool):
        raise InputFormatError("expected true or false", file=where, column="orf.open_3prime_end")
    orf_size_scale = field_of(manifest, "orf_size_scale", "orf_size_scale")
    if orf_size_scale not in ORF_SIZE_SCALES:
        raise InputFormatError(f"expected one of {', '.join(ORF_SIZE_SCALES)}", file=where, column="orf_size_scale")
    hexamer_info = field_of(manifest, "hexamer", "hexamer")
    (pseudocount,) = numbers([field_of(hexamer_info, "pseudocount", "hexamer.pseudocount")], "hexamer.pseudocount", 1)
    table_path = folder / HEXAMER_FILE
    try:
        text = table_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"cannot read the hexamer table ({exc.__class__.__name__})", file=str(table_path)) from None
    if hashlib.sha256(text.encode()).hexdigest() != field_of(hexamer_info, "sha256", "hexamer.sha256"):
        raise InputFormatError("hexamer table does not match the manifest's sha256", file=str(table_path))
    if not pseudocount > 0:
        raise InputFormatError("pseudocount must be > 0", file=where, column="hexamer.pseudocount")
    return CodingModel(
        hexamer=HexamerTable.from_tsv(text, pseudocount, source=str(table_path)),
        mean=mean, scale=scale, coef=coef, intercept=intercept, threshold=threshold, open_end=open_end,
        orf_size_scale=orf_size_scale, training=manifest.get("training", {}), cross_validation=manifest.get("cross_validation", {}),
    )


def _is_finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def equal_error_threshold(labels: Sequence[bool] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """The score cutoff where sensitivity (coding called coding: score ≥ cutoff) equals specificity.

    Among the cutoffs between consecutive distinct scores, the one with the smallest
    |sensitivity − specificity| (the lower one on a tie), placed midway between the two scores.
    """
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    if labels.all() or not labels.any():
        raise ValueRangeError("need both coding and non-coding examples to place a threshold")
    values = np.unique(scores)
    cutoffs = np.r_[values[0], (values[1:] + values[:-1]) / 2, np.nextafter(values[-1], np.inf)]
    positives = np.sort(scores[labels])
    negatives = np.sort(scores[~labels])
    sensitivity = 1 - np.searchsorted(positives, cutoffs, side="left") / len(positives)
    specificity = np.searchsorted(negatives, cutoffs, side="left") / len(negatives)
    return float(cutoffs[np.argmin(np.abs(sensitivity - specificity))])


def classification_metrics(labels: Sequence[bool] | np.ndarray, scores: Sequence[float] | np.ndarray, threshold: float) -> dict[str, float]:
    """ROC-AUC of ``scores``; accuracy, sensitivity and specificity of ``scores ≥ threshold``."""
    labels = np.asarray(labels, dtype=bool)
    called = np.asarray(scores, dtype=float) >= threshold
    return {
        "auc": float(roc_auc_score(labels, scores)),
        "accuracy": float((called == labels).mean()),
        "sensitivity": float(called[labels].mean()),
        "specificity": float((~called[~labels]).mean()),
    }


def grouped_folds(labels: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds in which no group is split (``(train indices, test indices)`` per fold)."""
    labels = np.asarray(labels, dtype=bool)
    for name, mask in (("coding", labels), ("non-coding", ~labels)):
        if len(np.unique(np.asarray(groups)[mask])) < folds:
            raise ValueRangeError(f"too few {name} genes for {folds}-fold gene-grouped cross-validation")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels, groups))


def _fit(transcripts: Transcripts, cds: PackedRna, labels: np.ndarray, train: np.ndarray, pseudocount: float,
         open_end: bool, orf_size_scale: str) -> CodingModel:
    """Hexamer table and logistic regression from the ``train`` records only (threshold unset: 0.5)."""
    table = HexamerTable(
        coding=count_hexamers(cds, in_frame=True, records=train & labels),
        noncoding=count_hexamers(transcripts.sequences, in_frame=False, records=train & ~labels),
        pseudocount=pseudocount,
    )
    x = transcripts.features(table, orf_size_scale)[train]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    # Balanced class weights: the coding and non-coding sets count equally, as in CPAT's 10k/10k training.
    regression = LogisticRegression(class_weight="balanced", max_iter=1000).fit((x - mean) / scale, labels[train])
    return CodingModel(
        hexamer=table, mean=tuple(mean.tolist()), scale=tuple(scale.tolist()),
        coef=tuple(regression.coef_[0].tolist()), intercept=float(regression.intercept_[0]), threshold=0.5,
        open_end=open_end, orf_size_scale=orf_size_scale,
    )


def deduplicate(coding: Sequence[tuple[str, str, str]], noncoding: Sequence[tuple[str, str, str]]) -> tuple[list[int], list[int], dict[str, int]]:
    """Indices of the ``(id, header, sequence)`` records to keep: the first copy of each identical
    sequence (any case, T or U), none of a sequence present in both classes; and what was dropped."""
    in_coding = {normalise_rna(seq) for _, _, seq in coding}
    in_noncoding = {normalise_rna(seq) for _, _, seq in noncoding}
    ambiguous = in_coding & in_noncoding
    kept: list[list[int]] = [[], []]
    duplicates = 0
    for index, records in enumerate((coding, noncoding)):
        seen: set[str] = set()
        for position, (_, _, sequence) in enumerate(records):
            key = normalise_rna(sequence)
            if key in ambiguous:
                continue
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            kept[index].append(position)
    return kept[0], kept[1], {"identical_copies_dropped": duplicates, "in_both_classes_dropped": len(ambiguous)}


def train_coding_model(
    coding: Sequence[tuple[str, str, str]],
    noncoding: Sequence[tuple[str, str, str]],
    *,
    cds: Mapping[str, str] | None = None,
    folds: int = 5,
    seed: int = 0,
    pseudocount: float = 1.0,
    open_end: bool = True,
) -> CodingModel:
    """Train on ``(id, header, sequence)`` records of coding and non-coding transcripts.

    Coding hexamer frequencies come from ``cds[id]`` (the CDS of coding transcript ``id``, start
    codon first) where given, else from the transcript's longest ORF (open at the 3' end when no
    stop follows, if ``open_end``). Identical sequences are kept
    once (and dropped when they are in both classes). The threshold is placed where sensitivity
    equals specificity in ``folds``-fold cross-validation whose folds never split a gene group
    (:func:`rnakit.lncrna.gene_groups.gene_groups` on headers and sequences); each fold builds its
    own hexamer table, so held-out transcripts never inform their own scores. The final model is
    then fitted on everything. Deterministic for a given ``seed``.
    """
    cds = dict(cds or {})
    unknown = sorted(set(cds) - {record_id for record_id, _, _ in coding})
    if unknown:
        raise InputFormatError("CDS has no coding transcript with the same id", row=unknown[0])
    coding_kept, noncoding_kept, dropped = deduplicate(coding, noncoding)
    coding = [coding[i] for i in coding_kept]
    noncoding = [noncoding[i] for i in noncoding_kept]
    records = [*coding, *noncoding]
    labels = np.r_[np.ones(len(coding), dtype=bool), np.zeros(len(noncoding), dtype=bool)]
    transcripts = Transcripts(((record_id, sequence) for record_id, _, sequence in records), open_end=open_end)
    cds_sequences = [validate_rna(cds[record_id], row=record_id, column="CDS", letters=NUCLEOTIDES) if record_id in cds else orf
                     for record_id, orf in zip(transcripts.ids, transcripts.orfs)]
    cds_packed = PackedRna.from_sequences(cds_sequences)

    groups = gene_groups([(header, sequence) for _, header, sequence in records])
    out_of_fold = {scale: np.zeros(len(records)) for scale in ORF_SIZE_SCALES}
    fold_auc: dict[str, list[float]] = {scale: [] for scale in ORF_SIZE_SCALES}
    for train, test in grouped_folds(labels, groups, folds, seed):
        mask = np.zeros(len(records), dtype=bool)
        mask[train] = True
        for scale in ORF_SIZE_SCALES:
            fitted = _fit(transcripts, cds_packed, labels, mask, pseudocount, open_end, scale)
            out_of_fold[scale][test] = fitted.probabilities(transcripts)[test]
            fold_auc[scale].append(float(roc_auc_score(labels[test], out_of_fold[scale][test])))
    # The ORF-size scale is chosen on these training data's own cross-validation (first on a tie).
    scale_auc = {scale: float(roc_auc_score(labels, out_of_fold[scale])) for scale in ORF_SIZE_SCALES}
    chosen = max(ORF_SIZE_SCALES, key=lambda scale: scale_auc[scale])
    threshold = equal_error_threshold(labels, out_of_fold[chosen])
    final = _fit(transcripts, cds_packed, labels, np.ones(len(records), dtype=bool), pseudocount, open_end, chosen)
    return CodingModel(
        hexamer=final.hexamer, mean=final.mean, scale=final.scale, coef=final.coef,
        intercept=final.intercept, threshold=threshold, open_end=open_end, orf_size_scale=chosen,
        training={
            "coding_records": len(coding),
            "noncoding_records": len(noncoding),
            **dropped,
            "class_weight": "balanced (each class weighs half, whatever its size)",
            "coding_hexamers_from": (
                f"annotated CDS for {sum(record_id in cds for record_id, _, _ in coding)} coding transcripts, "
                "the longest ORF (AUG…stop" + (", or AUG…3' end" if open_end else "") + ", forward strand) for the others"
            ),
            "noncoding_hexamers_from": "every position of the non-coding transcripts",
            "seed": seed,
        },
        cross_validation={
            "folds": folds,
            "grouping": "gene groups: same gene in the FASTA headers, or sharing exact 32-mers over ≥ 20 % of the shorter sequence",
            "gene_groups": int(groups.max()) + 1,
            **classification_metrics(labels, out_of_fold[chosen], threshold),
            "fold_auc": fold_auc[chosen],
            "orf_size_scale_auc": scale_auc,
        },
    )


# The shipped human model's training data: files of the shared ``coding_potential`` data set with
# their class (None: each record's class comes from its ``transcript_biotype:`` header field).
HUMAN_TRAINING_FILES: tuple[tuple[str, bool | None], ...] = (
    ("lncadeep_human_mRNA_test.fa", True),
    ("ncresnet_human_short_pc_test.fa", True),
    ("rnalight_human_mRNA_sublocation_TestSet.fa", True),
    ("rnalight_human_mRNA_HaloSeq_independent.fa", True),
    ("crema_h_sapiens_random2000_ensembl_cdna.fa", None),
    ("cpat_Human_noncoding_transcripts_RNA.fa.gz", False),
    ("prelnc_human_lnc_train.fa.gz", False),
    ("lncadeep_human_lncRNA_test.fa", False),
    ("ncresnet_human_short_nc_test.fa", False),
)
# Ensembl transcript biotypes of long non-coding RNAs (older and newer names).
LNCRNA_BIOTYPES = frozenset({
    "lncRNA", "lincRNA", "antisense", "antisense_RNA", "sense_intronic", "sense_overlapping",
    "3prime_overlapping_ncRNA", "3prime_overlapping_ncrna", "bidirectional_promoter_lncRNA", "macro_lncRNA", "non_coding",
})
_BIOTYPE = re.compile(r"(?:^|\s)transcript_biotype:(\S+)")


def biotype_class(header: str) -> bool | None:
    """True for ``transcript_biotype:protein_coding``, False for a lncRNA biotype, None otherwise
    (retained introns, NMD, pseudogenes… are neither a clean coding nor a clean non-coding example)."""
    match = _BIOTYPE.search(header)
    if match is None:
        return None
    return True if match.group(1) == "protein_coding" else False if match.group(1) in LNCRNA_BIOTYPES else None


@dataclass(frozen=True)
class TrainingSet:
    """Coding and non-coding ``(id, header, sequence)`` records, and what each file contributed."""

    coding: list[tuple[str, str, str]]
    noncoding: list[tuple[str, str, str]]
    files: list[dict[str, Any]]
    coding_sources: list[str] = field(default_factory=list)  # file name of each coding record
    noncoding_sources: list[str] = field(default_factory=list)


def read_training_set(files: Iterable[tuple[str | Path, bool | None]]) -> TrainingSet:
    """Read FASTA ``files`` of class True (coding), False (non-coding) or None (per-record
    :func:`biotype_class`; records of neither class are left out), noting each file's sha256."""
    from rnakit.files import sha256_of  # noqa: PLC0415  (only needed here)

    coding: list[tuple[str, str, str]] = []
    noncoding: list[tuple[str, str, str]] = []
    sources: dict[bool, list[str]] = {True: [], False: []}
    described = []
    for path, label in files:
        used = {True: 0, False: 0}
        records = read_fasta_records(path)
        for record in records:
            record_class = biotype_class(record[1]) if label is None else label
            if record_class is not None:
                (coding if record_class else noncoding).append(record)
                sources[record_class].append(Path(path).name)
                used[record_class] += 1
        described.append({
            "file": Path(path).name, "sha256": sha256_of(Path(path)),
            "class": {True: "coding", False: "noncoding", None: "transcript_biotype"}[label],
            "records": len(records), "coding_used": used[True], "noncoding_used": used[False],
        })
    return TrainingSet(coding, noncoding, described, sources[True], sources[False])


def read_human_training_set(data_dir: str | Path) -> TrainingSet:
    """The shipped model's training data from the shared data folder (``coding_potential/``)."""
    folder = Path(data_dir) / "coding_potential"
    return read_training_set((folder / name, label) for name, label in HUMAN_TRAINING_FILES)
