"""Speed changes of the design that must not change its values: both strands screened in one search,
bowtie's version asked once per process."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design import bowtie
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design.offtarget import count_off_targets, exclusion_set, load_or_build_index
from rnakit.sirna.design.targets import make_target


def random_rna(n: int, rng: random.Random) -> str:
    return "".join(rng.choice("ACGU") for _ in range(n))


@pytest.mark.parametrize("aligner", ["kmer", "bowtie"])
def test_off_target_columns_equal_each_strand_counted_alone(tmp_path: Path, aligner: str) -> None:
    if aligner == "bowtie" and not bowtie.bowtie_available():
        pytest.skip("bowtie is not installed")
    rng = random.Random(20)
    target = random_rna(120, rng)
    # Transcripts holding target stretches (some with a changed base), so that both strands have hits.
    others = [random_rna(40, rng) + target[i : i + 30] + random_rna(40, rng) for i in range(0, 90, 9)]
    others += [o[:50] + ("A" if o[50] != "A" else "C") + o[51:] for o in others[:4]]
    others.append(random_rna(40, rng) + reverse_complement_rna(target[30:60]) + random_rna(40, rng))  # passengers pair
    fasta = tmp_path / "tx.fa"
    fasta.write_text(f">T gene=TG\n{target}\n" + "".join(f">O{i} gene=G{i}\n{o}\n" for i, o in enumerate(others)))
    index = load_or_build_index(fasta, tmp_path / "cache", aligner=aligner)

    design = design_target(make_target("T", "T gene=TG", target, file="t.fa"), DesignSettings(), index)

    excluded = exclusion_set(index, "T", "TG", None)
    for strand in ("guide", "passenger"):
        alone = count_off_targets(index, design.candidates[strand].tolist(), excluded)
        for column in ("seed_matches", "mm0", "mm1", "mm2"):
            assert design.candidates[f"{strand}_{column}"].tolist() == alone[column].tolist(), (strand, column)
    assert design.candidates["guide_mm0"].sum() > 0 and design.candidates["passenger_mm0"].sum() > 0


def test_bowtie_version_is_asked_once_per_process(monkeypatch) -> None:
    calls = []

    class Done:
        stdout = "/usr/bin/bowtie-align-s version 1.3.1\n64-bit\n"

    monkeypatch.setattr(bowtie, "_run", lambda command, **kw: calls.append(command) or Done())
    bowtie.bowtie_version.cache_clear()
    try:
        assert bowtie.bowtie_version() == "bowtie 1.3.1"
        assert bowtie.bowtie_version() == "bowtie 1.3.1"
        assert calls == [["bowtie", "--version"]]
    finally:
        bowtie.bowtie_version.cache_clear()
