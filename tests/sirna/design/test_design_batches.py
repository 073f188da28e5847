"""Many-record runs in batches: one bowtie search per batch gives the counts and files of one per record;
the exclusion lookup equals a pass over every transcript name; batches cover every record once."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design import bowtie, offtarget, runner
from rnakit.sirna.design.candidates import enumerate_candidates
from rnakit.sirna.design.offtarget import (
    build_index,
    candidate_sites,
    count_off_targets,
    exclusion_set,
    load_or_build_index,
    with_sites_searched,
)

needs_bowtie = pytest.mark.skipif(not bowtie.bowtie_available(), reason="bowtie is not installed (Debian package 'bowtie')")


def random_rna(n: int, rng: random.Random) -> str:
    return "".join(rng.choice("ACGU") for _ in range(n))


def test_candidate_sites_hold_the_site_of_every_candidate_strand() -> None:
    rng = random.Random(3)
    target = random_rna(60, rng) + "N" + random_rna(60, rng)
    sites = set(candidate_sites(target))
    assert all(len(s) == 19 and set(s) <= set("ACGU") for s in sites)
    for overhang in range(5):
        candidates = enumerate_candidates(target, [19, 20, 21, 22, 23], overhang)
        clean = candidates[~candidates["site"].str.contains("N")]
        strands = [*clean["guide"], *clean["passenger"], *clean["passenger"].str[:19]]
        found = offtarget._sites(strands)
        assert found == [reverse_complement_rna(s[1:20] if len(s) > 19 else s) for s in strands]  # one at a time
        assert set(found) <= sites


@pytest.fixture(scope="module")
def transcriptome(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    rng = random.Random(8)
    sequences = [random_rna(rng.randrange(80, 300), rng) for _ in range(120)]
    # copies of stretches with 1–2 substitutions, so that the searched strands have near-perfect hits
    for i in range(30):
        source = sequences[i]
        p = rng.randrange(len(source) - 40)
        piece = list(source[p : p + 40])
        for q in rng.sample(range(40), rng.randrange(3)):
            piece[q] = "ACGU"[("ACGU".index(piece[q]) + 1) % 4]
        sequences.append(random_rna(30, rng) + "".join(piece) + random_rna(30, rng))
    path = Path(tmp_path_factory.mktemp("tx")) / "tx.fa"
    path.write_text("".join(f">T{i} gene=G{i % 50}\n{s}\n" for i, s in enumerate(sequences)))
    return path, sequences


@needs_bowtie
def test_sites_searched_beforehand_give_the_counts_of_a_search_per_call(transcriptome, tmp_path, monkeypatch) -> None:
    path, sequences = transcriptome
    kmer = build_index(path)
    index = load_or_build_index(path, tmp_path / "cache", aligner="bowtie")
    targets = sequences[:4]
    strands = [s for t in targets for s in (lambda c: [*c["guide"], *c["passenger"]])(enumerate_candidates(t, [21]))]
    searches = []
    search = offtarget.search_sites
    monkeypatch.setattr(offtarget, "search_sites", lambda *a, **k: searches.append(a) or search(*a, **k))
    searched = with_sites_searched(index, targets)
    assert len(searches) == 1

    monkeypatch.setattr(bowtie, "search_sites", lambda *a, **k: pytest.fail("bowtie ran again"))
    for exclude in (set(), exclusion_set(kmer, "T1"), exclusion_set(kmer, None, "G2")):
        pd.testing.assert_frame_equal(count_off_targets(searched, strands, exclude), count_off_targets(kmer, strands, exclude))
    assert count_off_targets(kmer, strands, set())[["mm0", "mm1", "mm2"]].to_numpy().sum(axis=0).min() > 0

    # strands of other targets are searched when asked for, alone, with the index's threads
    monkeypatch.undo()
    commands = []
    run = bowtie._run
    monkeypatch.setattr(bowtie, "_run", lambda command, **k: commands.append(command) or run(command, **k))
    searched = with_sites_searched(replace_threads(index, 1), targets)
    others = [reverse_complement_rna(sequences[40][p : p + 21]) for p in range(0, 60, 3)]
    mixed = strands[::7] + others
    pd.testing.assert_frame_equal(count_off_targets(searched, mixed, set()), count_off_targets(kmer, mixed, set()))
    assert len(commands) == 2 and all(c[c.index("-p") + 1] == "1" for c in commands)


def test_kmer_index_for_a_batch_gives_the_counts_of_the_plain_search(transcriptome) -> None:
    path, sequences = transcriptome
    index = build_index(path)
    strands = [s for t in sequences[:4] for s in (lambda c: [*c["guide"], *c["passenger"]])(enumerate_candidates(t, [21]))]
    searched = with_sites_searched(index, sequences[:4])
    assert searched.suffix_table is not None and index.suffix_table is None
    assert with_sites_searched(index, sequences[4:8]).suffix_table is searched.suffix_table  # built once per index
    for exclude in (set(), exclusion_set(index, "T1"), exclusion_set(index, None, "G2")):
        pd.testing.assert_frame_equal(count_off_targets(searched, strands, exclude), count_off_targets(index, strands, exclude))
    assert count_off_targets(index, strands, set())[["mm0", "mm1", "mm2"]].to_numpy().sum(axis=0).min() > 0


def test_auto_aligner_is_rnakit_index_for_many_records() -> None:
    assert runner.run_aligner("auto", runner.KMER_FROM_RECORDS) == "kmer"
    assert runner.run_aligner("auto", runner.KMER_FROM_RECORDS - 1) == "auto"  # one record: bowtie when installed
    assert runner.run_aligner("bowtie", 1000) == "bowtie" and runner.run_aligner("kmer", 1) == "kmer"


def replace_threads(index, threads: int):
    from dataclasses import replace

    return replace(index, bowtie_threads=threads)


def test_exclusion_lookup_equals_a_pass_over_every_name(tmp_path) -> None:
    names = ["NM_1.2", "NM_1.3", "NM_1", "NM_2.1|ENSG9|x", "NM_2", "XR_5|NM_1.2", "a.b.c", "a", "ENST7.4|ENSG7"]
    path = tmp_path / "tx.fa"
    path.write_text("".join(f">{n} gene={'GX' if i % 3 else 'gx'}{i % 2}\n{'ACGU' * 8}\n" for i, n in enumerate(names)))
    index = build_index(path)

    def brute(wanted: str) -> set[int]:  # the definition exclusion_set documents, one name at a time
        found = set()
        for i, name in enumerate(names):
            head = name.split("|", 1)[0]
            if wanted in (name, head) or ("." not in wanted and head.split(".", 1)[0] == wanted):
                found.add(i)
        genes = {index.genes[i].casefold() for i in found}
        return found | {i for i, g in enumerate(index.genes) if g.casefold() in genes}

    for wanted in ["NM_1.2", "NM_1", "NM_2", "NM_2.1", "XR_5", "a", "a.b.c", "ENST7.4", "ENST7", " NM_1 "]:
        assert exclusion_set(index, wanted) == brute(wanted.strip()), wanted
    assert exclusion_set(index, None, "gX1") == {i for i in range(len(names)) if i % 2}


@pytest.mark.parametrize("n, slots", [(1, 2), (7, 0), (30, 0), (30, 1), (200, 2), (17, 4)])
def test_batches_cover_every_record_once_in_order(n: int, slots: int) -> None:
    batches = runner._batches(n, slots)
    assert [i for batch in batches for i in batch] == list(range(n))
    sizes = [len(b) for b in batches]
    assert max(sizes) <= runner.MAX_BATCH and min(sizes) >= 1
    if slots:  # shrinking towards the end: the last batches are single records
        assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_bowtie
def test_a_batched_run_searches_once_per_batch_and_writes_the_files_of_one_record_per_batch(
        transcriptome, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    path, sequences = transcriptome
    targets = tmp_path / "targets.fa"
    targets.write_text("".join(f">T{i} gene=G{i % 50}\n{sequences[i]}\n" for i in (0, 1, 2, 120, 121)))
    searches = []
    search = bowtie.search_sites
    for module in (offtarget, bowtie):  # batches searched beforehand and strands searched when asked for
        monkeypatch.setattr(module, "search_sites", lambda *a, **k: searches.append(a) or search(*a, **k))

    def design(out: Path):
        return CliRunner().invoke(app, ["sirna", "design", str(targets), "--all-records", "--workers", "1",
                                        "--transcriptome", str(path), "--aligner", "bowtie", "-o", str(out)])

    assert design(tmp_path / "batched").exit_code == 0
    assert len(searches) == 1
    monkeypatch.setattr(runner, "MAX_BATCH", 1)
    assert design(tmp_path / "single").exit_code == 0
    assert len(searches) == 1 + 5
    assert tree(tmp_path / "batched") == tree(tmp_path / "single")
    found = pd.read_csv(tmp_path / "single" / "T120" / "candidates.tsv", sep="\t")  # a copy of a stretch of T0
    assert found[["guide_mm0", "guide_mm1", "guide_mm2"]].to_numpy().sum() > 0
