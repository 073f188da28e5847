"""What a design run shows the user (issue 19, item 6): % mRNA remaining floored at 0 with the raw value
kept, off-target columns in view, filter rules with their bounds, ranks explained, the plot's axis."""

from __future__ import annotations

import html
import io
import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnakit.sirna.design import efficacy
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design.filters import FilterSettings, filter_rules
from rnakit.sirna.design.offtarget import load_or_build_index
from rnakit.sirna.design.ranking import composite_score
from rnakit.sirna.design.report import (
    CHOSEN,
    PASSED,
    PLOT_BOX,
    PLOT_SIZE,
    REJECTED,
    efficacy_plot_png,
    nice_ticks,
    write_design,
)
from rnakit.sirna.design.targets import read_targets


def random_rna(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGU") for _ in range(n))


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    """A 400-nt target with a transcriptome holding a perfect off-target of the candidate at 101."""
    folder = tmp_path_factory.mktemp("screened")
    target = random_rna(400, 1)
    (folder / "target.fa").write_text(f">T1 gene=TGT\n{target}\n")
    site = target[101:120]
    (folder / "tx.fa").write_text(f">T1 gene=TGT\n{target}\n>OFF0 gene=O0\n{random_rna(80, 3)}{site}{random_rna(80, 4)}\n"
                                  f">BG gene=B\n{random_rna(500, 7)}\n")
    index = load_or_build_index(folder / "tx.fa", cache_dir=folder / "cache")
    design = design_target(read_targets(folder / "target.fa")[0], DesignSettings(top=5, threads=1), index)
    out = folder / "out"
    out.mkdir()
    write_design(design, out)
    return design, out


class _Fixed:
    """An estimator whose predictions are given: the test knows every value."""

    uses_features = True
    table_columns: tuple[str, ...] = ()

    def __init__(self, values: list[float]) -> None:
        self.values = np.array(values)

    def predict(self, inputs: object) -> np.ndarray:
        return self.values


def test_a_negative_prediction_is_shown_as_0_the_raw_value_kept_and_it_still_ranks_first(monkeypatch, tmp_path) -> None:
    (tmp_path / "t.fa").write_text(">T\n" + random_rna(25, 5) + "\n")
    target = read_targets(tmp_path / "t.fa")[0]
    table = efficacy.candidate_table(pd.DataFrame({"candidate": ["a", "b", "c"], "guide": ["ACGUACGUACGUACGUACGUA"] * 3,
                                                   "passenger": ["UACGUACGUACGUACGUACGU"] * 3}),
                                     target.sequence, target.record, None, None, None, efficacy.Conditions())
    real_load = efficacy.load_model

    def fixed_model(path, threads, **options):
        _, manifest = real_load(path, threads, **options)
        return _Fixed([-3.5, 0.0, 42.0]), manifest

    monkeypatch.setattr(efficacy, "load_model", fixed_model)
    scored = efficacy.score_candidates(table, "unmodified", "T", threads=1)
    assert scored["predicted_remaining_pct"].tolist() == [0.0, 0.0, 42.0]
    assert scored["predicted_remaining_pct_raw"].tolist() == [-3.5, 0.0, 42.0]
    assert scored["predicted_knockdown_pct"].tolist() == [100.0, 100.0, 58.0]
    assert composite_score(scored, None).tolist() == [103.5, 100.0, 58.0]  # the −3.5 does not tie with 0


def _header(html: str) -> list[str]:
    table = html[html.index('class="dataframe top"'):]
    return re.findall(r"<th>\s*([^<]*?)\s*</th>", table[: table.index("</thead>")])


def test_report_top_table_shows_efficacy_and_off_targets_before_the_sequences(screened) -> None:
    design, out = screened
    header = _header((out / "report.html").read_text())
    assert header[:9] == ["rank", "candidate", "start", "end", "predicted_remaining_pct", "guide_mm0", "guide_mm1",
                          "guide_mm2", "specific"]
    assert "predicted_remaining_pct_raw" in header and header.index("guide") > header.index("specific")
    top = json.loads((out / "design.json").read_text())["top"]
    assert list(top[0])[:9] == header[:9]  # the web page's table is design.json's top, same order
    candidates = pd.read_csv(out / "candidates.tsv", sep="\t")
    # Only the candidates that pass the filters are scored by default; the rejected ones' efficacy is empty.
    assert candidates["predicted_remaining_pct"].notna().equals(candidates["passed"])
    scored = candidates[candidates["passed"]]
    assert (scored["predicted_remaining_pct"] >= 0).all()
    assert scored["predicted_remaining_pct"].equals(scored["predicted_remaining_pct_raw"].clip(lower=0))


def test_ranks_are_explained_with_the_runs_numbers(screened) -> None:
    design, out = screened
    passed = int(design.candidates["passed"].sum())
    note = json.loads((out / "design.json").read_text())["rank_note"]
    assert f"place among all {passed:,} candidates that pass the filters (of {len(design.candidates):,})" in note
    assert "within 21 nt of a better one" in note
    assert html.escape(note) in (out / "report.html").read_text()


def test_filter_rules_state_the_bounds_they_ran_with(screened) -> None:
    design, out = screened
    rules = filter_rules(FilterSettings(gc_min=0.35, gc_max=0.55, run_length=5, gc_stretch_max=7, seed_tm=True,
                                        seed_tm_max=19.0, cds=(99, 300), variant_positions=frozenset({5, 9}),
                                        variant_max_af=0.01))
    assert rules["gc"] == "GC content of guide 1–19 is 35%–55%"
    assert rules["runs"] == "no run of 5 or more identical bases in the guide"
    assert rules["gc_stretch"] == "no G/C stretch longer than 7 nt in the covered target stretch"
    assert rules["start_codon"] == "site not within the first 50 nt after the start codon (CDS starts at 100)"
    assert rules["seed_tm"] == "seed duplex (guide 2–8) Tm below 19 °C"
    assert rules["variants"] == "site overlaps none of the 2 given variant positions more frequent than AF 0.01"
    funnel = json.loads((out / "design.json").read_text())["funnel"]
    assert {row["filter"]: row["rule"] for row in funnel}["gc"] == "GC content of guide 1–19 is 30%–64%"
    assert "no run of 4 or more identical bases in the guide" in (out / "report.html").read_text()


def test_a_target_with_n_runs_has_its_ambiguous_rule_in_the_report(tmp_path) -> None:
    fasta = tmp_path / "n.fa"
    fasta.write_text(">TN\n" + random_rna(120, 2) + "N" * 5 + random_rna(120, 3) + "\n")
    design = design_target(read_targets(fasta)[0], DesignSettings(top=3, threads=1))
    out = tmp_path / "out"
    out.mkdir()
    write_design(design, out)
    funnel = json.loads((out / "design.json").read_text())["funnel"]
    assert funnel[0] == {"filter": "ambiguous", "rejects": 27, "rejects_first": 27, "left": len(design.candidates),
                         "rule": "window holds no N or other IUPAC ambiguity code"}


def test_plot_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 8412) == [0, 2000, 4000, 6000, 8000]
    assert nice_ticks(0, 80) == [0, 10, 20, 30, 40, 50, 60, 70, 80]
    assert nice_ticks(0, 400) == [0, 50, 100, 150, 200, 250, 300, 350, 400]


def test_the_efficacy_plot_marks_the_chosen_sites_where_they_lie(screened) -> None:
    from PIL import Image

    design, _ = screened
    image = np.asarray(Image.open(io.BytesIO(efficacy_plot_png(design))).convert("RGB")).astype(int)
    assert image.shape == (PLOT_SIZE[1], PLOT_SIZE[0], 3)
    left, upper, right, lower = PLOT_BOX
    red = np.all(image == CHOSEN, axis=2)
    red[:, right:] = False  # the legend's marker
    columns = np.flatnonzero(red.any(axis=0))
    # one triangle (12 px wide, edges rounded to pixels) centred on each chosen site's start, nothing red elsewhere
    centres = [left + start / len(design.target.sequence) * (right - left) for start in design.top["start"]]
    assert all(any(abs(column - centre) <= 7 for centre in centres) for column in columns), (list(columns), centres)
    assert all(any(abs(column - centre) <= 1 for column in columns) for centre in centres)
    # passing candidates are drawn in the axes; rejected ones were not scored, so none are drawn grey
    inside = image[upper + 1 : lower, left + 1 : right]
    assert np.all(inside == PASSED, axis=2).sum() > 50
    assert not np.all(inside == REJECTED, axis=2).any()
