"""Evaluating models trained on the pooled unmodified sets (:mod:`rnakit.sirna.datasets.pooled`).

Two protocols, both holding out every copy of a held-out row in every set:

- :func:`dataset_cv`: one dataset's own folds (gene-held-out as ``rnakit sirna train --cv gene``
  makes them, or random); each fold's model is trained on the whole pool minus every row that shares
  a held-out row's 19-nt core and, for gene folds, its gene, accession or transcript;
- :func:`leave_one_study_out`: each study of the pool in turn, trained on the rest minus the same.

A model whose ``predict`` takes ``studies`` (``lgbm-rank``) is told each held-out row's study, the
pool study that holds the row or its copy (:func:`studies_of`): which assay measured a row is known
for a new row, and a study whose every row is held out reads as unseen. Its predictions without
studies are scored too (``study_not_given``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import pandas as pd

from rnakit.sirna.datasets.pooled import GENE_ALIASES, PooledSet, guide_core
from rnakit.sirna.metrics import evaluate, fold_pearson
from rnakit.sirna.models.ranker import within_group_pearson
from rnakit.sirna.splits import assign_folds, group_keys

ModelFactory = Callable[[], object]


def held_out_rows(pool: pd.DataFrame, test: pd.DataFrame, genes_too: bool = True) -> np.ndarray:
    """Pool rows that must leave training when ``test`` is held out: any sharing a test row's guide
    core (its copies) and, with ``genes_too``, its gene (or the gene its core names in the pool),
    transcript accession or transcript."""
    cores = set(guide_core(test["guide"]))
    if not genes_too:
        return pool["core"].isin(cores).to_numpy()
    genes = set(test["gene"].dropna().astype(str).str.strip().str.upper().replace(GENE_ALIASES))
    genes |= set(pool.loc[pool["core"].isin(cores), "gene_key"].dropna())
    accessions = set(test["transcript_id"].dropna()) | set(pool.loc[pool["core"].isin(cores), "transcript_id"].dropna())
    transcripts = set(test["transcript"].dropna()) | set(pool.loc[pool["core"].isin(cores), "transcript"].dropna())
    return (pool["core"].isin(cores) | pool["gene_key"].isin(genes - {""}) | pool["transcript_id"].isin(accessions)
            | pool["transcript"].isin(transcripts)).to_numpy()


def studies_of(pool: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """The pool study that measured each ``test`` row: that of the pool row with its 19-nt core and
    gene, else the only study its core has in the pool, else None (no pool row holds it)."""
    return _pool_values(pool, test, "study")


def with_pool_transcripts(pool: pd.DataFrame, test: pd.DataFrame) -> pd.DataFrame:
    """``test`` with each row that has no transcript given its pool row's (found as :func:`studies_of`
    finds its study): the pool lends its rows the transcripts of their copies in other sets, and design
    always has the target, so a held-out row is scored with the target context its pool copy has.
    Labels and fold keys (gene, accession) are untouched."""
    own = test["transcript"].to_numpy(dtype=object)
    # None, not NaN, where nothing is lent: canonical tables mark a missing sequence so.
    lent = np.where(pd.isna(own), _pool_values(pool, test, "transcript"), own)
    return test.assign(transcript=pd.Series(lent, index=test.index, dtype=object))


def _pool_values(pool: pd.DataFrame, test: pd.DataFrame, column: str) -> np.ndarray:
    """Each ``test`` row's ``column`` in the pool: that of the pool row with its 19-nt core and gene,
    else the only value its core has there, else None (pool rows without a value are passed over)."""
    held = pool[pool[column].notna()]
    cores = guide_core(test["guide"]).to_numpy()
    genes = test["gene"].astype("string").str.strip().str.upper().replace(GENE_ALIASES).to_numpy()
    by_core_gene = held.drop_duplicates(["core", "gene_key"]).set_index(["core", "gene_key"])[column].to_dict()
    per_core = held.groupby("core")[column].agg(lambda s: s.iloc[0] if s.nunique() == 1 else None).to_dict()
    return np.array([by_core_gene.get((c, g), per_core.get(c)) for c, g in zip(cores, genes)], dtype=object)


def predict_rows(model: object, features: pd.DataFrame, studies: np.ndarray | None) -> np.ndarray:
    """``model.predict``, given ``studies`` when the model takes them."""
    if studies is not None and "studies" in inspect.signature(model.predict).parameters:
        return model.predict(features, studies=studies)
    return model.predict(features)


def fit_pooled(make_model: ModelFactory, pool: pd.DataFrame, features: pd.DataFrame, rows: np.ndarray) -> object:
    """``make_model()`` fitted on pool ``rows``: inner folds grouped by target, ranks within (study × target)."""
    part = pool.iloc[rows]
    groups = part["gene_key"].fillna(part["transcript_id"]).fillna("site:" + part["core"]).to_numpy()
    rank_groups = part["group"].fillna(pd.Series([f"row:{i}" for i in rows], index=part.index)).to_numpy()
    model = make_model()
    extra = ({"rank_groups": rank_groups, "studies": part["study"].to_numpy()}
             if "rank_groups" in inspect.signature(model.fit).parameters else {})
    return model.fit(features.iloc[rows], part["remaining_pct"].to_numpy(dtype=float), groups=groups, **extra)


def _report(y: np.ndarray, predicted: np.ndarray, rank_groups: np.ndarray) -> dict:
    return {**evaluate(y, predicted), "within_group_pearson": within_group_pearson(y, predicted, rank_groups)}


def dataset_cv(pooled: PooledSet, pool_features: pd.DataFrame, test: pd.DataFrame, test_features: pd.DataFrame,
               make_model: ModelFactory, n_folds: int = 5, seed: int = 0, strategy: str = "gene") -> dict:
    """Out-of-fold metrics on ``test`` (one dataset's table, its own ``strategy`` folds: gene or random)
    of models trained on the pool.

    ``within_group_pearson`` is taken inside each gene of ``test``, ``pearson_fold_mean``/``_sd`` inside each
    fold (:func:`~rnakit.sirna.metrics.fold_pearson`); ``study_not_given`` (models that take studies) holds
    the metrics of the same models' predictions without them.
    """
    if strategy not in ("gene", "random"):
        raise ValueError(f"pooled folds are gene or random, not {strategy!r}")
    pool = pooled.table
    fold = assign_folds(test, strategy, n_folds, seed)
    studies = studies_of(pool, test)
    oof, plain = np.full(len(test), np.nan), np.full(len(test), np.nan)
    for k in range(n_folds):
        rows = np.flatnonzero(fold == k)
        keep = ~held_out_rows(pool, test.iloc[rows], genes_too=strategy == "gene")
        model = fit_pooled(make_model, pool, pool_features, np.flatnonzero(keep))
        oof[rows] = predict_rows(model, test_features.iloc[rows], studies[rows])
        plain[rows] = model.predict(test_features.iloc[rows])
    y = test["remaining_pct"].to_numpy(dtype=float)
    genes = group_keys(test, "gene").to_numpy()
    report = {**_report(y, oof, genes), **fold_pearson(y, oof, fold)}
    if not np.array_equal(oof, plain):
        report["study_not_given"] = {**_report(y, plain, genes), **fold_pearson(y, plain, fold)}
    return report


def leave_one_study_out(pooled: PooledSet, pool_features: pd.DataFrame, make_model: ModelFactory,
                        min_rows: int = 100) -> pd.DataFrame:
    """One row per study of at least ``min_rows`` rows: its metrics when the model never saw it (nor
    any copy, gene or transcript of it)."""
    pool = pooled.table
    rows = []
    for study, part in pool.groupby("study", sort=True):
        if len(part) < min_rows:
            continue
        train = np.flatnonzero(~held_out_rows(pool, part))
        model = fit_pooled(make_model, pool, pool_features, train)
        predicted = predict_rows(model, pool_features.loc[part.index], part["study"].to_numpy())
        rank_groups = part["group"].fillna("row:" + part.index.to_series().astype(str)).to_numpy()
        rows.append({"study": study, "n_train": len(train), **_report(part["remaining_pct"].to_numpy(float), predicted, rank_groups)})
    return pd.DataFrame(rows)
