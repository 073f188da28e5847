"""The whole RNA-seq → lincRNA workflow on the dm6 toy set: reads to candidates, checked against FlyBase labels.

The toy annotation has no biotypes; its SOURCE.md gives the labels instead: the 309 transcripts of
``dm6.small.transcriptome.fa`` are mRNAs, the 44 transcripts of FlyBase ``CR…`` genes are non-coding.
StringTie --merge keeps the reference transcript ids where a merged transcript is a reference one, so
each row of ``transcripts.tsv`` joins back to its label through its id (and the ids merged into it).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.lncrna.workflow_config import missing_tools
from tests.conftest import shared_data_or_skip

runner = CliRunner()
_ATTRIBUTE = re.compile(r'(\S+) "([^"]*)"')


def transcript_attributes(gtf) -> dict[str, dict[str, str]]:
    """transcript_id → attributes of its first line."""
    found: dict[str, dict[str, str]] = {}
    for line in gtf.read_text().splitlines():
        if line and not line.startswith("#"):
            attributes = dict(_ATTRIBUTE.findall(line.split("\t")[8]))
            found.setdefault(attributes["transcript_id"], attributes)
    return found


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory):
    """Run the workflow once on the four paired samples (about a minute on two cores)."""
    data = shared_data_or_skip()
    toy, kinase = data / "lincrna_toy" / "lcdb_dm6", data / "pfam_mini" / "hmmer_tutorial" / "Pkinase.hmm"
    if not toy.is_dir() or not kinase.is_file():
        pytest.skip(f"toy data not found: {toy}, {kinase}")
    missing = missing_tools()
    if missing:
        pytest.skip(f"workflow tools not installed: {', '.join(missing)} (run scripts/install-tools.sh)")
    folder = tmp_path_factory.mktemp("lincrna_dm6")
    config = {
        "genome": str(toy / "dm6.small.fa"),
        "annotation": str(toy / "dm6.small.gtf"),
        "coding_ids": str(toy / "dm6.small.transcriptome.fa"),
        "hmm": str(kinase),
        "samples": {
            f"sample{n}": {"r1": str(toy / f"rnaseq/sample{n}.tiny_R1.fastq.gz"),
                           "r2": str(toy / f"rnaseq/sample{n}.tiny_R2.fastq.gz")}
            for n in range(1, 5)
        },
        "outdir": "out",
        # Every location but same-strand exonic overlap with a coding transcript: in this gene-dense fly
        # region only 7 of the 43 CR transcripts are intergenic (class u); the others lie within 1 kb of,
        # inside an intron of, or antisense to a coding gene. The CR/mRNA labels test coding vs non-coding.
        "filter": {"keep_classes": ["u", "p", "i", "x", "y"]},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNAKIT_CACHE_DIR", str(folder / "cache"))  # the genome index, kept out of the user's cache
        result = runner.invoke(app, ["lncrna", "workflow", "--config", str(path), "--cores", "2"])
    assert result.exit_code == 0, result.output
    return toy, folder / "out"


@pytest.fixture(scope="module")
def labelled(toy_run) -> pd.DataFrame:
    """transcripts.tsv with a ``label`` per row: mRNA, CR, other_nc (sn/snoRNA) or novel (StringTie's own)."""
    toy, out = toy_run
    symbols = {tid: a["gene_symbol"] for tid, a in transcript_attributes(toy / "dm6.small.gtf").items()}
    mrnas = {line[1:].split()[0] for line in (toy / "dm6.small.transcriptome.fa").read_text().splitlines()
             if line.startswith(">")}

    def label(ids: list[str]) -> str:
        kinds = {"mRNA" if i in mrnas else "CR" if symbols.get(i, "").startswith("CR") else
                 "other_nc" if i in symbols else "novel" for i in ids}
        assert len(kinds) == 1, f"identical intron chains of different kinds: {ids}"
        return kinds.pop()

    table = pd.read_csv(out / "lincrna" / "transcripts.tsv", sep="\t", keep_default_na=False, na_values=["NA"])
    groups = [[row.id, *filter(None, row.merged_ids.split(","))] for row in table.itertuples()]
    return table.assign(label=[label(ids) for ids in groups], kept=table["first_rejected_by"] == "")


def test_every_step_wrote_its_outputs(toy_run):
    _, out = toy_run
    for sample in (f"sample{n}" for n in range(1, 5)):
        number = sample[-1]
        assert (out / "qc/fastqc" / sample / f"sample{number}.tiny_R2_fastqc.html").is_file()
        assert (out / "aligned" / f"{sample}.bam.bai").is_file() and (out / "assembly" / f"{sample}.gtf").is_file()
        assert not list((out / "trimmed" / sample).glob("*.fq.gz"))  # trimmed reads are temporary
        # The reads were chosen as mapping to this region (SOURCE.md): nearly all must align again.
        rate = re.search(r"([\d.]+)% overall alignment rate", (out / "logs/hisat2_align" / f"{sample}.log").read_text())
        assert rate and float(rate.group(1)) > 90
    for name in ("lincrna.gtf", "lincrna.fa", "transcripts.tsv", "report.html"):
        assert (out / "lincrna" / name).stat().st_size > 0


def test_outputs_agree_on_the_kept_transcripts(toy_run, labelled):
    _, out = toy_run
    kept = set(labelled.loc[labelled["kept"], "id"])
    assert set(transcript_attributes(out / "lincrna" / "lincrna.gtf")) == kept
    fasta_ids = {line[1:].split()[0] for line in (out / "lincrna" / "lincrna.fa").read_text().splitlines()
                 if line.startswith(">")}
    assert fasta_ids == kept
    # The domain search ran (--hmm reached the filter) on the transcripts that passed every other filter.
    assert (labelled.loc[labelled["kept"], "domains"] == "").all()


def test_merge_keeps_reference_ids_to_join_on(toy_run, labelled):
    _, out = toy_run
    merged = transcript_attributes(out / "assembly" / "merged.gtf")
    reference = [tid for tid in merged if tid.startswith("FBtr")]
    assert reference and all(merged[tid].get("ref_gene_id", "").startswith("FBgn") for tid in reference)
    assert set(labelled["label"]) <= {"mRNA", "CR", "other_nc", "novel"}


def test_mrnas_are_rejected_and_cr_transcripts_kept(labelled):
    counts = pd.crosstab(labelled["label"], labelled["kept"])
    mrna, cr = counts.loc["mRNA"], counts.loc["CR"]
    # Each mRNA is itself a coding transcript of the reference (class o): none may pass.
    assert mrna.get(True, 0) == 0 and mrna.get(False, 0) > 250
    # sn/snoRNAs are housekeeping and under 200 nt here: rejected too.
    assert not labelled.loc[labelled["label"] == "other_nc", "kept"].any()
    # Most FlyBase CR transcripts look non-coding to the ORF and coding-potential filters.
    assert cr.get(True, 0) > cr.get(False, 0)


def test_sequence_filters_alone_call_the_mrnas_coding(labelled):
    """Location aside, the ORF and coding-potential values separate the mRNAs from the CR transcripts."""
    coding_call = (labelled["longest_orf_aa"] >= 100) | labelled["coding"]
    mrna = labelled["label"] == "mRNA"
    cr = labelled["label"] == "CR"
    assert coding_call[mrna].mean() >= 0.95  # CPAT's published sensitivity on human mRNAs is 0.97
    assert (~coding_call[cr]).mean() > 0.5
