"""gnn: GNN4siRNA's HinSAGE over siRNA, mRNA and interaction nodes (node features, graph, saved form)."""

import numpy as np
import pytest
import torch

from rnakit.errors import InputFormatError, ValueRangeError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features import compute_features
from rnakit.sirna.models.gnn4sirna import (
    Gnn4sirnaModel,
    _Sampler,
    build_graph,
    interaction_features,
    kmer_frequencies,
)
from rnakit.sirna.models.registry import model_inputs
from rnakit.sirna.schema import canonical_frame

GROUPS = ["thermo", "target"]


def test_kmer_frequencies_by_hand():
    one = kmer_frequencies("ACGU", (1,))
    assert one.tolist() == [0.25] * 4
    two = kmer_frequencies("ACGU", (2,))  # AC, CG, GU: codes 0·4+1, 1·4+2, 2·4+3
    assert np.flatnonzero(two).tolist() == [1, 6, 11] and two[[1, 6, 11]] == pytest.approx([1 / 3] * 3)
    gapped = kmer_frequencies("ACNGU", (2,))  # windows touching N are skipped: AC and GU remain
    assert np.flatnonzero(gapped).tolist() == [1, 11] and gapped.sum() == pytest.approx(1.0)


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
    return table, model_inputs("gnn4sirna", table, lambda: features), np.asarray(rows["remaining_pct"])


def test_graph_nodes_carry_gnn4sirna_counts_and_are_shared_between_rows():
    _table, X, _ = gene_table(3, 4, 0)
    graph = build_graph(X)
    assert graph.mrna_x.shape == (3, 256) and graph.sirna_x.shape == (12, 64)
    assert graph.interaction_x.shape == (12, 22)
    assert graph.interaction_mrna.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    # raw counts, as GNN4siRNA feeds them: a 400-nt transcript has 397 4-mers, a 21-nt guide 19 3-mers
    assert graph.mrna_x.sum(1).tolist() == [397.0] * 3 and graph.sirna_x.sum(1).tolist() == [19.0] * 12


def test_interaction_total_uses_gnn4sirna_end_terms():
    # GNN4siRNA's first published row (dataset 1, A1): stacks sum to −24.86, total −19.89 (+4.09 +0.43 +0.45 for the 3' U)
    guide = "CUAAUAUGUUAAUUGAUUUAU"
    table = canonical_frame({"id": ["A1"], "guide": [guide], "transcript": [None]}, 1)
    X = model_inputs("gnn4sirna", table, lambda: compute_features(table, GROUPS).drop(columns="id"))
    values = interaction_features(X)[0]
    assert values[18] == pytest.approx(-19.89, abs=1e-6)
    assert values[19:].tolist() == [0.0, 0.0, values[21]] and values[21] >= 0  # no target: only the guide opens


def test_sampling_draws_neighbours_of_the_right_node():
    _table, X, _ = gene_table(2, 5, 0)
    graph = build_graph(X)
    sampler = _Sampler(graph, seed=0)
    rows = torch.tensor([0, 7])
    _interaction, sirna, _mrna, via_sirna, via_mrna = sampler.inputs(rows, (8, 4))
    assert sirna.shape == (2, 8, 64) and via_mrna.shape == (2, 8, 4, 22)
    assert torch.equal(via_sirna[0, 3, 2], graph.interaction_x[0])  # each siRNA has one interaction: itself
    gene_rows = graph.interaction_x[graph.interaction_mrna == graph.interaction_mrna[7]]
    assert all(any(torch.equal(v, r) for r in gene_rows) for v in via_mrna[1].reshape(-1, 22))


def test_gnn_reads_the_mrna_and_predicts_unseen_genes(tmp_path):
    table, X, y = gene_table(16, 12, 1)
    train = table["gene"].isin([f"G{g}" for g in range(12)]).to_numpy()
    model = Gnn4sirnaModel(epochs=30, n_jobs=1)
    model.fit(X[train], y[train])
    predicted = model.predict(X[~train])  # four genes never seen in training
    assert np.corrcoef(predicted, y[~train])[0, 1] > 0.9
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["gnn4sirna.json", "gnn4sirna.safetensors"]
    np.testing.assert_allclose(Gnn4sirnaModel.load(tmp_path / "m").predict(X[~train]), predicted, rtol=1e-5)
    again = Gnn4sirnaModel(epochs=30, n_jobs=1).fit(X[train], y[train])
    np.testing.assert_allclose(again.predict(X[~train]), predicted, rtol=1e-6)  # seeded


def test_prediction_pools_training_pairs_of_a_known_transcript():
    # a row predicted alone still sees its transcript's training pairs, as in GNN4siRNA's whole graph
    _table, X, y = gene_table(2, 10, 3)
    model = Gnn4sirnaModel(epochs=2, n_jobs=1).fit(X, y)
    pooled = model.predict(X.iloc[:1])[0]
    model.mrna_pool_ = {}
    assert pooled != pytest.approx(model.predict(X.iloc[:1])[0], abs=1e-6)


def test_epochs_chosen_on_an_inner_split():
    table, X, y = gene_table(8, 6, 4)
    model = Gnn4sirnaModel(epochs=None, max_epochs=6, n_jobs=1).fit(X, y, groups=table["gene"].to_numpy())
    assert 1 <= model.epochs_ <= 6


def test_gnn_needs_its_columns():
    _, X, y = gene_table(2, 5, 2)
    model = Gnn4sirnaModel(epochs=1, n_jobs=1).fit(X, y)
    with pytest.raises(InputFormatError, match="transcript"):
        model.predict(X.drop(columns="transcript"))
    with pytest.raises(InputFormatError, match="site_unpaired"):
        model.predict(X.drop(columns="target__site_unpaired"))
    with pytest.raises(ValueRangeError, match="optimizer"):
        Gnn4sirnaModel(optimizer="sgd").fit(X, y)
