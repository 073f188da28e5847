import typing

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.crossstudy import dataset_cv, held_out_rows, leave_one_study_out, studies_of, with_pool_transcripts
from rnakit.sirna.datasets.pooled import pool_tables
from tests.sirna.test_pooled import made

BASES = "ACGU"


def random_core(rng: np.random.Generator) -> str:
    return "".join(rng.choice(list(BASES), 19))


def synthetic_pool(seed: int = 0):
    """Two sets, three genes each, the second set re-listing three of the first's duplexes."""
    rng = np.random.default_rng(seed)
    first = [{"guide": random_core(rng), "gene": f"G{i % 3}", "remaining_pct": float(rng.integers(0, 100)),
              "publication": "P1"} for i in range(30)]
    second = [{"guide": random_core(rng), "gene": f"H{i % 3}", "remaining_pct": float(rng.integers(0, 100)),
               "publication": "P2"} for i in range(30)]
    second += [{**row, "publication": "P2"} for row in first[:3]]
    return pool_tables({"huesken2005": made("huesken2005", first), "sdg_supplements": made("sdg_supplements", second)})


class Recorder:
    """A model that predicts the training mean and remembers what it was trained on."""

    seen: typing.ClassVar[list[pd.Index]] = []

    def fit(self, X, y, groups=None):
        Recorder.seen.append(X.index)
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_) + X["signal"].to_numpy()


def relisted(pool: pd.DataFrame, dataset: str, publication: str) -> pd.DataFrame:
    """One set's pooled rows as that set's own table (as the benchmark reads it)."""
    rows = pool[pool["dataset"] == dataset]
    return made(dataset, [{"guide": g, "gene": k, "remaining_pct": r, "publication": publication}
                          for g, k, r in rows[["guide", "gene_key", "remaining_pct"]].to_numpy()])


def features_of(table: pd.DataFrame) -> pd.DataFrame:
    """A feature that gives away each row's order (so the ranking scores are known: 1)."""
    return pd.DataFrame({"signal": table["remaining_pct"].to_numpy() / 1000}, index=table.index)


def test_held_out_rows_follow_copies_genes_and_transcripts():
    pooled = synthetic_pool()
    pool = pooled.table
    test = pool[pool["gene_key"] == "G0"]
    held = held_out_rows(pool, test)
    assert set(pool.loc[held, "gene_key"]) == {"G0"}
    # A row of another study with a held-out core (a copy under another gene name) goes too.
    pool.loc[pool.index[-1], ["core", "gene_key"]] = [test["core"].iloc[0], "ELSEWHERE"]
    pool.loc[pool.index[-2], "transcript_id"] = "NM_1"
    test = test.assign(transcript_id="NM_1")
    held = held_out_rows(pool, test)
    assert held[-1] and held[-2] and held.sum() == len(test) + 2


def test_each_fold_trains_on_the_pool_without_its_genes():
    pooled = synthetic_pool()
    pool = pooled.table
    test = relisted(pool, "sdg_supplements", "P2")
    Recorder.seen = []
    metrics = dataset_cv(pooled, features_of(pool), test, features_of(test), Recorder, n_folds=3)
    assert len(Recorder.seen) == 3
    trained_genes = [set(pool.loc[index, "gene_key"]) for index in Recorder.seen]
    # Each of the three H genes is missing from exactly one fold's training rows; G genes never are.
    assert sorted(len({"H0", "H1", "H2"} - genes) for genes in trained_genes) == [1, 1, 1]
    assert all({"G0", "G1", "G2"} <= genes for genes in trained_genes)
    assert metrics["within_group_pearson"] > 0.999 and metrics["n"] == len(test)
    # Inside each fold the predictions are one constant plus the label / 1000: Pearson 1 in every fold.
    assert metrics["pearson_fold_mean"] == pytest.approx(1.0) and metrics["pearson_fold_sd"] == pytest.approx(0.0)


def test_leave_one_study_out_scores_each_large_study_unseen():
    pooled = synthetic_pool()
    Recorder.seen = []
    result = leave_one_study_out(pooled, features_of(pooled.table), Recorder, min_rows=10)
    assert result["study"].tolist() == ["huesken2005:P1", "sdg_supplements:P2"]
    pool = pooled.table
    for study, index in zip(result["study"], Recorder.seen):
        assert not (set(pool.loc[index, "study"]) & {study})
    assert (result["within_group_pearson"] > 0.999).all()


def test_random_folds_leave_out_only_the_copies_of_held_out_rows():
    pooled = synthetic_pool()
    pool = pooled.table
    first = pool[pool["dataset"] == "huesken2005"]
    test = relisted(pool, "huesken2005", "P1")
    Recorder.seen = []
    dataset_cv(pooled, features_of(pool), test, features_of(test), Recorder, n_folds=3, strategy="random")
    test_cores = set(first["core"])
    for index in Recorder.seen:
        trained = pool.loc[index]
        # Every G gene is still trained on, but 20 of the 30 G rows (the other folds' rows) remain.
        assert {"G0", "G1", "G2"} <= set(trained["gene_key"])
        assert len(set(trained["core"]) & test_cores) == 20


def test_studies_of_names_the_pool_study_that_holds_each_row_or_its_copy():
    pooled = synthetic_pool()
    pool = pooled.table
    kept = pool[pool["dataset"] == "huesken2005"].iloc[:4]
    test = made("sirnaefficacydb", [
        {"guide": kept["guide"].iloc[0], "gene": kept["gene_key"].iloc[0], "remaining_pct": 1.0},  # a copy
        {"guide": kept["guide"].iloc[1], "gene": None, "remaining_pct": 1.0},  # no gene: its core decides
        {"guide": random_core(np.random.default_rng(9)), "gene": "G0", "remaining_pct": 1.0},  # in no set
    ])
    assert studies_of(pool, test).tolist() == ["huesken2005:P1", "huesken2005:P1", None]


def test_held_out_rows_without_a_transcript_get_their_pool_copys():
    rng = np.random.default_rng(3)
    cores = [random_core(rng) for _ in range(4)]
    target = "GG" + "".join(rng.choice(list(BASES), 40)) + "CC"
    pool = pool_tables({"huesken2005": made("huesken2005", [
        {"guide": cores[0], "gene": "G0", "transcript": target, "remaining_pct": 1.0},
        {"guide": cores[1], "gene": "G1", "transcript": "AAAA", "remaining_pct": 2.0},
        {"guide": cores[2], "gene": "G2", "remaining_pct": 3.0},  # the pool has no transcript to lend
    ])}).table
    test = made("ichihara2007", [
        {"guide": cores[0] + "uu", "gene": "g0", "remaining_pct": 10.0},  # a copy (3' overhang, lower case gene)
        {"guide": cores[1], "gene": "OTHER", "remaining_pct": 20.0},  # another gene name: the core's only transcript
        {"guide": cores[0], "gene": "G0", "transcript": "CCCC", "remaining_pct": 30.0},  # its own is kept
        {"guide": cores[2], "gene": "G2", "remaining_pct": 40.0},
        {"guide": cores[3], "gene": "G3", "remaining_pct": 50.0},  # in no set
    ])
    lent = with_pool_transcripts(pool, test)
    assert lent["transcript"].tolist()[:3] == [target, "AAAA", "CCCC"]
    assert lent["transcript"].iloc[3] is None and lent["transcript"].iloc[4] is None  # as canonical tables mark it
    # Only the transcript moves: labels, genes and accessions (what folds are keyed on) stay the test's.
    assert lent.drop(columns="transcript").equals(test.drop(columns="transcript"))


class StudyRecorder(Recorder):
    """Recorder that adds 100 to rows of a study it was trained on (so the test can see which)."""

    def fit(self, X, y, groups=None, rank_groups=None, studies=None):
        self.studies_ = set(studies)
        return super().fit(X, y, groups)

    def predict(self, X, studies=None):
        bonus = 0.0 if studies is None else np.array([100.0 * (s in self.studies_) for s in studies])
        return super().predict(X) + bonus


def test_models_that_take_studies_are_told_each_held_out_rows_study_and_scored_without_too():
    pooled = synthetic_pool()
    pool = pooled.table
    test = relisted(pool, "sdg_supplements", "P2")
    with_study = dataset_cv(pooled, features_of(pool), test, features_of(test), StudyRecorder, n_folds=3)
    plain = dataset_cv(pooled, features_of(pool), test, features_of(test), Recorder, n_folds=3)
    # The held-out genes' study (P2) keeps other genes in training: every prediction is raised by 100.
    assert with_study["mae"] > plain["mae"] + 50
    assert with_study["study_not_given"]["mae"] == pytest.approx(plain["mae"])
    assert "study_not_given" not in plain
