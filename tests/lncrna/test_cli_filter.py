"""``rnakit lncrna filter`` driven as a user would: outputs, the printed funnel, one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.lncrna.gtf import read_gtf
from rnakit.lncrna.location import read_id_list
from tests.conftest import shared_data_or_skip
from tests.lncrna.test_pipeline import build_case, exons

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["lncrna", "filter", *(str(a) for a in args)])


@pytest.fixture
def case(tmp_path, monkeypatch):
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    return build_case(tmp_path)


def base_args(case):
    return ["--transcripts", case.transcripts, "--genome", case.genome, "--annotation", case.annotation]


def test_filter_writes_outputs_and_prints_the_funnel(case):
    out = case.folder / "out"
    result = run(*base_args(case), "--known-lncrna", case.known, "--max-orf-aa", 200, "-o", out)
    assert result.exit_code == 0, result.output
    assert "lincRNA filter funnel" in result.output and "housekeeping" in result.output
    assert "no HMM database given" in result.output
    table = pd.read_csv(out / "transcripts.tsv", sep="\t", keep_default_na=False).set_index("id")
    rejected = table["first_rejected_by"].to_dict()
    assert {k: rejected[k] for k in ("L2", "L6", "L3", "L4", "L7", "L5")} == {
        "L2": "location", "L6": "location", "L3": "length", "L4": "orf", "L7": "orf", "L5": "housekeeping"}
    assert rejected["K1"] == ""  # no ORF at all: non-coding for the shipped model
    # L7 is unstranded with L4's 250-aa ORF on its minus strand: scored on that strand, it gets L4's probability.
    assert table.loc["L7", "coding_probability"] == table.loc["L4", "coding_probability"]
    assert table.loc["K1", "merged_ids"] == "L1"
    assert (out / "report.html").is_file() and (out / "lincrna.gtf").is_file() and (out / "lincrna.fa").is_file()


def test_keep_classes_and_housekeeping_biotypes_options(case):
    out = case.folder / "out"
    result = run(*base_args(case), "--keep-classes", "u,p", "--housekeeping-biotypes", "rRNA", "--flank", 50, "-o", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "transcripts.tsv", sep="\t", keep_default_na=False).set_index("id")
    assert table.loc["L6", "class"] == "u"  # 100 nt from the gene: beyond a 50-nt flank
    assert table.loc["L5", "housekeeping_overlap"] == ""  # snoRNA no longer counts


def one_line_error(result, *words):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    for word in words:
        assert word in lines[0], lines[0]


def test_gtf_line_without_transcript_id(case):
    bad = case.folder / "bad.gtf"
    bad.write_text(exons("T1", "+", (1, 300)) + "chr1\ttest\texon\t400\t700\t.\t+\t.\tgene_id \"G\";\n")
    result = run("--transcripts", bad, "--genome", case.genome, "--annotation", case.annotation, "-o", case.folder / "o")
    one_line_error(result, "bad.gtf", "row 2", "'attributes'", "transcript_id")
    assert not (case.folder / "o").exists()


def test_transcript_on_a_contig_absent_from_the_genome(case):
    bad = case.folder / "chrun.gtf"
    bad.write_text(exons("T5", "+", (1, 300), chrom="chrUn"))
    result = run("--transcripts", bad, "--genome", case.genome, "--annotation", case.annotation, "-o", case.folder / "o")
    one_line_error(result, "genome.fa", "T5", "'chrUn'")


def test_exon_beyond_the_contig_end(case):
    bad = case.folder / "long.gtf"
    bad.write_text(exons("T6", "+", (19_900, 20_100)))
    result = run("--transcripts", bad, "--genome", case.genome, "--annotation", case.annotation, "-o", case.folder / "o")
    one_line_error(result, "T6", "beyond the contig's 20000 nt")


def test_genome_that_is_not_fasta(case):
    result = run("--transcripts", case.transcripts, "--genome", case.annotation, "--annotation", case.annotation,
                 "-o", case.folder / "o")
    one_line_error(result, "annotation.gtf", "not FASTA")


@pytest.mark.parametrize("which", ["transcripts", "genome", "annotation"])
def test_empty_files(case, which):
    empty = case.folder / f"empty_{which}"
    empty.write_text("")
    files = {"transcripts": case.transcripts, "genome": case.genome, "annotation": case.annotation, which: empty}
    result = run("--transcripts", files["transcripts"], "--genome", files["genome"], "--annotation", files["annotation"],
                 "-o", case.folder / "o")
    one_line_error(result, f"empty_{which}", "empty")


def test_annotation_without_coding_information_asks_for_coding_ids(case):
    bare = case.folder / "bare.gtf"
    bare.write_text(exons("C1", "+", (5001, 5300), (6001, 6300)))
    result = run("--transcripts", case.transcripts, "--genome", case.genome, "--annotation", bare, "-o", case.folder / "o")
    one_line_error(result, "bare.gtf", "--coding-ids")
    ids = case.folder / "coding.txt"
    ids.write_text("C1\n")
    result = run("--transcripts", case.transcripts, "--genome", case.genome, "--annotation", bare, "--coding-ids", ids,
                 "-o", case.folder / "o")
    assert result.exit_code == 0, result.output
    assert "housekeeping ncRNA filter cannot apply" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("extra", "words"),
    [(["--keep-classes", "u,q"], "unknown location class(es) q"), (["--domain-frames", "six"], "domain frames"),
     (["--transcript-fasta", "GENOME"], "exactly one"), (["--min-exons", "0"], "option '--min-exons': must be ≥ 1, not 0")],
)
def test_bad_options(case, extra, words):
    extra = [case.genome if e == "GENOME" else e for e in extra]
    result = run(*base_args(case), *extra, "-o", case.folder / "o")
    one_line_error(result, words)


def test_output_path_that_is_a_file(case):
    target = case.folder / "taken"
    target.write_text("x")
    one_line_error(run(*base_args(case), "-o", target), "taken", "not a folder")


# ------------------------------------------------------------------------------------ shared toy data
def expanded_verdicts(path) -> pd.DataFrame:
    """transcripts.tsv with one row per input transcript: merged ids take their representative's row."""
    table = pd.read_csv(path, sep="\t", keep_default_na=False)
    table["members"] = [[tid, *filter(None, merged.split(","))] for tid, merged in zip(table["id"], table["merged_ids"])]
    return table.explode("members").set_index("members")


def test_dm6_noncoding_kept_mrnas_rejected(tmp_path, monkeypatch):
    """dm6 toy: the FlyBase GTF is both the 'assembly' and the annotation, and the transcriptome FASTA
    names its 309 mRNAs as the coding ones. Every mRNA then overlaps itself (class o), so a default run
    rejects them all by location, trivially. The meaningful check keeps every location class and lets
    the sequence filters tell the 47 non-coding transcripts (44 CR genes, 3 sn/snoRNAs) from the mRNAs."""
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))
    folder = shared_data_or_skip() / "lincrna_toy" / "lcdb_dm6"
    gtf = read_gtf(folder / "dm6.small.gtf")
    mrnas = read_id_list(folder / "dm6.small.transcriptome.fa")
    small_rnas = {tid for tid, t in gtf.items() if t.attributes["gene_symbol"].startswith(("snRNA:", "snoRNA:"))}
    args = ["--transcripts", folder / "dm6.small.gtf", "--genome", folder / "dm6.small.fa",
            "--annotation", folder / "dm6.small.gtf", "--coding-ids", folder / "dm6.small.transcriptome.fa"]
    result = run(*args, "--keep-classes", "u,p,i,y,x,o", "-o", tmp_path / "all")
    assert result.exit_code == 0, result.output
    verdicts = expanded_verdicts(tmp_path / "all" / "transcripts.tsv")
    assert set(verdicts.index) == set(gtf) and len(mrnas) == 309 and len(small_rnas) == 3
    mrna = verdicts.index.isin(mrnas)
    kept = verdicts["first_rejected_by"] == ""
    # Model-independent facts of the data: 306 mRNAs have an ORF of ≥ 100 aa, the small RNAs are ≤ 200 nt,
    # and 7 non-coding transcripts have an ORF of ≥ 100 aa.
    assert (verdicts.loc[mrna, "first_rejected_by"] == "orf").sum() == 306
    assert set(verdicts.index[verdicts["first_rejected_by"] == "length"]) == small_rnas
    assert (verdicts.loc[~mrna, "first_rejected_by"] == "orf").sum() == 7
    # The coding model must reject the other 3 mRNAs and keep most of the 37 non-coding ones left
    # (measured: 0 of 309 mRNAs kept, 30 of 47 non-coding kept; 7 CR transcripts called coding).
    assert not (kept & mrna).any()
    assert (kept & ~mrna).sum() >= 25

    result = run(*args, "-o", tmp_path / "default")
    assert result.exit_code == 0, result.output
    default = expanded_verdicts(tmp_path / "default" / "transcripts.tsv")
    assert (default.loc[list(mrnas), "first_rejected_by"] == "location").all()
    assert (default.loc[~default.index.isin(mrnas), "class"] == "u").sum() == 7  # the rest lie in or by genes


def test_feelnc_dog_with_transcript_fasta(tmp_path):
    """FEELnc's dog example (no genome shipped): sequences from --transcript-fasta. Our coding calls are
    compared with FEELnc_codpot's (320 lncRNA / 21 mRNA)."""
    folder = shared_data_or_skip() / "lincrna_toy" / "feelnc_dog_chr38"
    out = tmp_path / "dog"
    result = run("--transcripts", folder / "candidate_lncRNA.gtf", "--transcript-fasta", folder / "candidate_lncRNA.gtf.fa",
                 "--annotation", folder / "annotation_chr38.gtf", "-o", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "transcripts.tsv", sep="\t", keep_default_na=False).set_index("id")
    assert len(table) == 341
    feelnc_mrna = set(read_gtf(folder / "expected_codpot_candidate_lncRNA.gtf.mRNA.gtf"))
    assert len(feelnc_mrna) == 21
    # FEELnc (shuffle mode, trained on dog mRNAs) and the shipped human CPAT-style model disagree on many
    # of these partial Cufflinks fragments; measured: 18 of FEELnc's 21 mRNAs called coding, 223 of its
    # 320 lncRNAs called non-coding (agreement 241 of 341).
    ours = table["coding"].astype(str) == "True"
    theirs = table.index.isin(feelnc_mrna)
    assert (ours & theirs).sum() >= 15
    assert (~ours & ~theirs).sum() >= 0.6 * 320
    kept = read_gtf(out / "lincrna.gtf")
    assert set(kept) == set(table.index[table["first_rejected_by"] == ""])
