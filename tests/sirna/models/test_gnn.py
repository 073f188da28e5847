"""gnn: the siRNA–pair–mRNA graph network (k-mer node features, inductive prediction, saved form)."""

import numpy as np
import pandas as pd
import pytest

from rnakit.errors import InputFormatError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features import compute_features
from rnakit.sirna.models.gnn import GnnModel, build_graph, kmer_frequencies
from rnakit.sirna.models.registry import model_inputs
from rnakit.sirna.schema import canonical_frame

GROUPS = ["position", "composition", "conditions", "thermo"]


def test_kmer_frequencies_by_hand():
    one = kmer_frequencies("ACGU", (1,))
    assert one.tolist() == [0.25] * 4
    two = kmer_frequencies("ACGU", (2,))  # AC, CG, GU: codes 0·4+1, 1·4+2, 2·4+3
    assert np.flatnonzero(two).tolist() == [1, 6, 11] and two[[1, 6, 11]] == pytest.approx([1 / 3] * 3)
    gapped = kmer_frequencies("ACNGU", (2,))  # windows touching N are skipped: AC and GU remain
    assert np.flatnonzero(gapped).tolist() == [1, 11] and gapped.sum() == pytest.approx(1.0)
    assert kmer_frequencies("dna acgt", (1, 2)).shape == (20,)


def gene_table(n_genes: int, per_gene: int, seed: int):
    """Each gene's transcript is A-rich or C-rich; its siRNAs work (20 %) only on A-rich ones.

    Guides are random, so the signal lives in the mRNA's sequence: a model must read the mRNA node.
    """
    rng = np.random.default_rng(seed)
    rows = {"id": [], "guide": [], "passenger": [], "transcript": [], "gene": [], "remaining_pct": []}
    for g in range(n_genes):
        rich = "A" if g % 2 == 0 else "C"
        probabilities = [0.55, 0.15, 0.15, 0.15] if rich == "A" else [0.15, 0.55, 0.15, 0.15]
        transcript = "".join(rng.choice(list("ACGU"), 400, p=probabilities))
        for i in range(per_gene):
            start = int(rng.integers(0, 380))
            guide = reverse_complement_rna(transcript[start : start + 19]) + "UU"
            rows["id"].append(f"g{g}_{i}")
            rows["guide"].append(guide)
            rows["passenger"].append(transcript[start + 2 : start + 19] + "UU")
            rows["transcript"].append(transcript)
            rows["gene"].append(f"G{g}")
            rows["remaining_pct"].append((20.0 if rich == "A" else 80.0) + rng.normal(0, 3))
    table = canonical_frame(rows, len(rows["id"]))
    features = compute_features(table, GROUPS).drop(columns="id")
    return table, model_inputs("gnn", table, lambda: features), np.asarray(rows["remaining_pct"])


def test_graph_shares_nodes_between_rows():
    table, X, _ = gene_table(3, 4, 0)
    graph = build_graph(X, np.zeros((len(X), 2), dtype=np.float32))
    assert graph.mrna_x.shape == (3, 4 + 16 + 64 + 256) and graph.sirna_x.shape[1] == 4 + 16 + 64
    assert graph.pair_mrna.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert graph.pair_x.shape == (12, 2)


def test_sirna_nodes_carry_the_mean_of_their_rows_thermo_columns():
    table, X, _ = gene_table(2, 3, 0)
    X = pd.concat([X.iloc[:2], X.iloc[:1]])  # the first guide measured twice
    pair = np.array([[1.0, 10.0], [2.0, 20.0], [5.0, 30.0]], dtype=np.float32)
    graph = build_graph(X, pair, sirna_columns=[1])
    kmer_width = 4 + 16 + 64
    assert graph.sirna_x.shape == (2, kmer_width + 1)
    assert graph.sirna_x[:, kmer_width].tolist() == [20.0, 20.0]  # (10 + 30) / 2, and 20 alone
    assert graph.pair_sirna.tolist() == [0, 1, 0]


def test_gnn_reads_the_mrna_and_predicts_unseen_genes(tmp_path):
    table, X, y = gene_table(16, 12, 1)
    train = table["gene"].isin([f"G{g}" for g in range(12)]).to_numpy()
    model = GnnModel(hidden=16, max_epochs=40, patience=40, batch_size=64, seeds=1, n_jobs=1)
    model.fit(X[train], y[train], groups=table["gene"].to_numpy()[train])
    predicted = model.predict(X[~train])  # four genes never seen in training
    assert np.corrcoef(predicted, y[~train])[0, 1] > 0.9
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["gnn.json", "gnn.safetensors"]
    np.testing.assert_allclose(GnnModel.load(tmp_path / "m").predict(X[~train]), predicted, rtol=1e-5)
    again = GnnModel(hidden=16, max_epochs=40, patience=40, batch_size=64, seeds=1, n_jobs=1)
    again.fit(X[train], y[train], groups=table["gene"].to_numpy()[train])
    np.testing.assert_allclose(again.predict(X[~train]), predicted, rtol=1e-6)  # seeded


def test_gnn_needs_its_columns():
    _, X, y = gene_table(2, 5, 2)
    model = GnnModel(hidden=4, max_epochs=1, n_jobs=1).fit(X, y)
    with pytest.raises(InputFormatError, match="transcript"):
        model.predict(X.drop(columns="transcript"))


def twin_table(seed: int):
    """Four accessions, two pairs sharing one transcript sequence; each accession has its own level.

    Guides are random, so only a seen accession's level (from training rows) tells twins apart.
    """
    rng = np.random.default_rng(seed)
    sequences = ["".join(rng.choice(list("ACGU"), 400)) for _ in range(2)]
    rows = {"id": [], "guide": [], "passenger": [], "transcript": [], "transcript_id": [], "remaining_pct": []}
    for t, level in enumerate([20.0, 80.0, 35.0, 65.0]):
        transcript = sequences[t // 2]
        for i in range(30):
            start = int(rng.integers(0, 380))
            rows["id"].append(f"t{t}_{i}")
            rows["guide"].append(reverse_complement_rna(transcript[start : start + 19]) + "UU")
            rows["passenger"].append(transcript[start + 2 : start + 19] + "UU")
            rows["transcript"].append(transcript)
            rows["transcript_id"].append(f"NM_{t}")
            rows["remaining_pct"].append(level + rng.normal(0, 3))
    table = canonical_frame(rows, len(rows["id"]))
    features = compute_features(table, ["composition", "thermo"]).drop(columns="id")
    return model_inputs("gnn", table, lambda: features), np.asarray(rows["remaining_pct"])


def test_gnn_reads_a_seen_targets_level(tmp_path):
    X, y = twin_table(3)
    test = np.arange(len(y)) % 4 == 0  # random rows: every accession has training rows
    kw = dict(hidden=16, max_epochs=80, patience=80, batch_size=16, learning_rate=3e-3, stop_on="pearson",
              prior_rows=2.0, seeds=1, n_jobs=1)
    seen = GnnModel(**kw).fit(X[~test], y[~test])
    blind = GnnModel(seen_level=False, **kw).fit(X[~test], y[~test])
    predicted = seen.predict(X[test])
    assert np.corrcoef(predicted, y[test])[0, 1] > 0.7
    assert np.corrcoef(blind.predict(X[test]), y[test])[0, 1] < 0.4  # twins share every node feature
    seen.save(tmp_path / "m")
    np.testing.assert_allclose(GnnModel.load(tmp_path / "m").predict(X[test]), predicted, rtol=1e-5)


def test_gnn_of_several_seeds_predicts_their_mean_and_round_trips(tmp_path):
    _, X, y = gene_table(4, 6, 4)
    kw = dict(hidden=8, max_epochs=3, patience=3, batch_size=8, n_jobs=1)
    single = [GnnModel(random_state=s, seeds=1, **kw).fit(X, y).predict(X) for s in (5, 6)]
    model = GnnModel(seeds=2, random_state=5, **kw).fit(X, y)
    predicted = model.predict(X)
    np.testing.assert_allclose(predicted, np.mean(single, axis=0), rtol=1e-6)
    assert not np.allclose(single[0], single[1])  # the seeds' networks differ
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["gnn_seeds.json", "seed0", "seed1"]
    again = GnnModel.load(tmp_path / "m")
    assert again.seeds == 2
    np.testing.assert_allclose(again.predict(X), predicted, rtol=1e-5)
    with pytest.raises(ValueError, match="seeds"):
        GnnModel(seeds=0, **kw).fit(X, y)
