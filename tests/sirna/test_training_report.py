"""The training report's per-gene part: genes, else transcript accessions (Huesken names no gene), else left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.report import METRICS, score_per_gene, target_genes, write_report
from rnakit.sirna.training import CrossValidation


def _table(genes: list, transcripts: list) -> pd.DataFrame:
    n = len(genes)
    return pd.DataFrame({"gene": genes, "transcript_id": transcripts, "publication": ["P"] * n,
                         "guide": [f"G{i}" for i in range(n)], "remaining_pct": [10.0, 50.0, 10.0, 50.0, 70.0][:n]})


def _cv(oof: list[float]) -> CrossValidation:
    metrics = {m: 0.5 for m in METRICS}
    return CrossValidation(strategy="gene", n_folds=2, seed=0, fold=np.zeros(len(oof), int), oof=np.array(oof),
                           overall=metrics, overall_train=metrics)


def test_rows_without_a_gene_are_scored_under_their_transcript_accession() -> None:
    table = _table(["ube2b", "UBE2B ", None, None, None], ["NM_3", "NM_3", "NM_1", "NM_1", None])
    assert target_genes(table).tolist() == ["UBE2B", "UBE2B", "NM_1 (transcript)", "NM_1 (transcript)", None]
    # UBE2B predicted exactly: MAE 0, F1(<30) 1, range MAE 0 → 1.0. NM_1 swapped: MAE 40, no true
    # positive below 30 → 0.5·(1 − 0.4) = 0.3. The row naming neither is in no group.
    scores = score_per_gene(table, _cv([10.0, 50.0, 50.0, 10.0, 0.0]))
    assert scores.to_dict() == pytest.approx({"NM_1 (transcript)": 0.3, "UBE2B": 1.0})
    assert list(scores.index) == ["NM_1 (transcript)", "UBE2B"]  # worst first


def test_report_leaves_the_per_gene_part_out_when_no_row_names_a_target(tmp_path) -> None:
    table = _table([None] * 4, [None] * 4)
    write_report(tmp_path, table, _cv([10.0, 50.0, 10.0, 50.0]), "lgbm", "made")
    assert not (tmp_path / "score_per_gene.png").exists()
    report = (tmp_path / "report.md").read_text()
    assert "Left out: no row names a target gene or transcript." in report and "score_per_gene.png" not in report
    write_report(tmp_path / "named", _table(["A", "A", "B", "B"], [None] * 4), _cv([10.0, 50.0, 50.0, 10.0]), "lgbm", "made")
    assert (tmp_path / "named" / "score_per_gene.png").read_bytes().startswith(b"\x89PNG")
    assert "| B | 2 | 0.3000 |" in (tmp_path / "named" / "report.md").read_text()
