"""``rnakit lncrna workflow`` config checks: each mistake is one clear line before any tool runs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import yaml

from rnakit.errors import InputFormatError, RnakitError, ValueRangeError
from rnakit.lncrna.pipeline import FilterSettings
from rnakit.lncrna.workflow_config import REQUIRED_TOOLS, check_tools, load_workflow_config, missing_tools

GENOME = ">chr1\n" + "ACGT" * 50 + "\n"
ANNOTATION = 'chr1\ttest\texon\t11\t60\t.\t+\t.\tgene_id "g1"; transcript_id "t1";\n'
READ = "@r1\nACGTACGTAC\n+\nIIIIIIIIII\n"


@pytest.fixture(autouse=True)
def _private_genome_index(tmp_path, monkeypatch):
    """The genome check indexes the FASTA in the rnakit cache: keep that cache inside the test's folder."""
    monkeypatch.setenv("RNAKIT_CACHE_DIR", str(tmp_path / "cache"))


def write_inputs(folder: Path) -> None:
    (folder / "reads").mkdir()
    (folder / "genome.fa").write_text(GENOME)
    (folder / "ref.gtf").write_text(ANNOTATION)
    for name in ("a_R1.fq", "a_R2.fq"):
        (folder / "reads" / name).write_text(READ)
    with gzip.open(folder / "reads" / "b_R1.fq.gz", "wt") as handle:
        handle.write(READ)
    with gzip.open(folder / "reads" / "b_R2.fq.gz", "wt") as handle:
        handle.write(READ)


def config(**changes: object) -> dict:
    """A valid config with relative paths; a change to None removes that key."""
    data: dict = {
        "genome": "genome.fa",
        "annotation": "ref.gtf",
        "samples": {
            "a": {"r1": "reads/a_R1.fq", "r2": "reads/a_R2.fq"},
            "b": {"r1": "reads/b_R1.fq.gz", "r2": "reads/b_R2.fq.gz"},
        },
        "outdir": "out",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def load(folder: Path, data: dict):
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_workflow_config(path)


def error_of(folder: Path, data: dict, kind: type[RnakitError] = InputFormatError, file: str = "config.yaml") -> str:
    """The one-line message, which starts with the file at fault (the config, or the genome or GTF it names)."""
    with pytest.raises(kind) as caught:
        load(folder, data)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{folder / file}: ")
    return message


def test_valid_config_resolves_paths_against_its_own_folder(tmp_path, monkeypatch):
    write_inputs(tmp_path)
    monkeypatch.chdir(tmp_path / "reads")  # the working folder must not matter
    loaded = load(tmp_path, config(strandedness="rf", filter={"min_length": 300}, coding_ids="ref.gtf"))
    assert loaded.genome == tmp_path / "genome.fa" and loaded.outdir == tmp_path / "out"
    assert [(s.name, s.r1, s.r2) for s in loaded.samples] == [
        ("a", tmp_path / "reads/a_R1.fq", tmp_path / "reads/a_R2.fq"),
        ("b", tmp_path / "reads/b_R1.fq.gz", tmp_path / "reads/b_R2.fq.gz"),
    ]
    assert loaded.strandedness == "rf" and loaded.filter_settings == FilterSettings(min_length=300)
    assert loaded.known_lncrna is None and loaded.hmm is None and loaded.coding_ids == tmp_path / "ref.gtf"
    resolved = loaded.snakemake_config()
    assert resolved["samples"]["b"]["r2"] == str(tmp_path / "reads/b_R2.fq.gz")
    assert resolved["filter_inputs"] == {"--coding-ids": str(tmp_path / "ref.gtf")}
    assert resolved["filter_args"] == ["--min-length", "300"]  # only what differs from the filter's defaults


def test_default_strandedness_is_unstranded(tmp_path):
    write_inputs(tmp_path)
    assert load(tmp_path, config()).strandedness == "unstranded"


@pytest.mark.parametrize("key", ["genome", "annotation", "samples", "outdir"])
def test_missing_key(tmp_path, key):
    write_inputs(tmp_path)
    assert error_of(tmp_path, config(**{key: None})).endswith(f"missing required key(s): {key}")


def test_unknown_key_suggests_the_close_one(tmp_path):
    write_inputs(tmp_path)
    data = config(sampels=config()["samples"])
    assert "unknown key 'sampels'; did you mean 'samples'?" in error_of(tmp_path, data)


def test_unknown_read_key(tmp_path):
    write_inputs(tmp_path)
    data = config(samples={"a": {"r1": "reads/a_R1.fq", "r2": "reads/a_R2.fq", "r3": "x.fq"}})
    assert "unknown read key in sample 'a': 'r3'" in error_of(tmp_path, data)


def test_bad_strandedness(tmp_path):
    write_inputs(tmp_path)
    message = error_of(tmp_path, config(strandedness="reverse"), ValueRangeError)
    assert "strandedness 'reverse': expected one of unstranded, rf, fr" in message


def test_missing_read_file_names_sample_and_file(tmp_path):
    write_inputs(tmp_path)
    data = config(samples={"a": {"r1": "reads/a_R1.fq", "r2": "reads/missing_R2.fq"}})
    message = error_of(tmp_path, data)
    assert f"sample 'a' r2 file not found: {tmp_path / 'reads/missing_R2.fq'}" in message


def test_empty_read_file(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "reads" / "a_R1.fq").write_text("")
    assert f"sample 'a' r1 file is empty: {tmp_path / 'reads/a_R1.fq'}" in error_of(tmp_path, config())


def test_gzipped_read_file_without_reads(tmp_path):
    write_inputs(tmp_path)
    with gzip.open(tmp_path / "reads" / "b_R2.fq.gz", "wt"):
        pass  # a valid gzip stream holding nothing: not empty on disk, but no reads
    message = error_of(tmp_path, config())
    assert f"sample 'b' r2 {tmp_path / 'reads/b_R2.fq.gz'}: empty FASTQ file" in message


def test_read_file_that_is_not_fastq(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "reads" / "a_R2.fq").write_text(">r1\nACGT\n")
    message = error_of(tmp_path, config())
    assert f"sample 'a' r2 {tmp_path / 'reads/a_R2.fq'}:" in message and "'@'" in message


def test_missing_r2(tmp_path):
    write_inputs(tmp_path)
    data = config(samples={"a": {"r1": "reads/a_R1.fq"}})
    assert "sample 'a': missing r2 (paired-end reads)" in error_of(tmp_path, data)


def test_same_file_as_r1_and_r2(tmp_path):
    write_inputs(tmp_path)
    data = config(samples={"a": {"r1": "reads/a_R1.fq", "r2": "./reads/a_R1.fq"}})
    assert "sample 'a': r1 and r2 are the same file" in error_of(tmp_path, data)


def test_sample_name_that_cannot_name_files(tmp_path):
    write_inputs(tmp_path)
    data = config(samples={"wild type/1": {"r1": "reads/a_R1.fq", "r2": "reads/a_R2.fq"}})
    assert "sample name 'wild type/1'" in error_of(tmp_path, data)


def test_genome_that_is_not_fasta(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "genome.fa").write_text("chr1\tACGT\n")
    assert "genome is not FASTA" in error_of(tmp_path, config(), file="genome.fa")


def test_empty_genome(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "genome.fa").write_text("")
    assert f"genome file is empty: {tmp_path / 'genome.fa'}" in error_of(tmp_path, config())


def test_annotation_line_without_transcript_id(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "ref.gtf").write_text('chr1\ttest\texon\t11\t60\t.\t+\t.\tgene_id "g1";\n')
    message = error_of(tmp_path, config(), file="ref.gtf")
    assert "row 1" in message and "no transcript_id" in message


def test_annotation_on_a_contig_the_genome_lacks(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "ref.gtf").write_text(ANNOTATION.replace("chr1", "chrX"))
    message = error_of(tmp_path, config(), file="genome.fa")
    assert "transcript t1 is on contig 'chrX', which the genome lacks" in message


def test_missing_optional_file(tmp_path):
    write_inputs(tmp_path)
    assert f"hmm file not found: {tmp_path / 'pfam.hmm'}" in error_of(tmp_path, config(hmm="pfam.hmm"))


def test_outdir_that_is_a_file(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "out").write_text("")
    assert "exists and is not a folder" in error_of(tmp_path, config())


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "empty config"), ("- genome.fa\n", "must be a YAML mapping"), ("genome: [unclosed\n", "not valid YAML")],
)
def test_config_that_is_not_a_mapping(tmp_path, text, expected):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(InputFormatError, match=expected):
        load_workflow_config(path)


def test_missing_tools_are_named_with_their_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tool is found
    assert missing_tools() == REQUIRED_TOOLS
    with pytest.raises(RnakitError) as caught:
        check_tools()
    message = str(caught.value)
    assert message.startswith("commands not found on PATH: fastqc, trim_galore, cutadapt, hisat2, hisat2-build")
    # each package once, though hisat2 provides two of the commands
    assert "apt-get install fastqc trim-galore cutadapt hisat2 samtools stringtie;" in message


def test_one_missing_tool(tmp_path, monkeypatch):
    tool = tmp_path / "fastqc"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "fastqc" not in missing_tools() and "stringtie" in missing_tools()


def test_filter_settings_become_filter_options(tmp_path):
    write_inputs(tmp_path)
    options = {"keep_classes": ["u", "p"], "max_orf_aa": 80, "domain_evalue": 0.001, "housekeeping_biotypes": "rRNA, tRNA",
               "domain_frames": "three", "flank": 1000}
    loaded = load(tmp_path, config(filter=options))
    assert loaded.filter_settings.housekeeping_biotypes == ("rRNA", "tRNA")
    assert loaded.filter_arguments() == [
        "--keep-classes", "u,p", "--max-orf-aa", "80", "--housekeeping-biotypes", "rRNA,tRNA",
        "--domain-frames", "three", "--domain-evalue", "0.001",
    ]  # flank equals its default: left out


def test_every_filter_setting_is_an_option_of_the_filter_command():
    """The workflow spells a FilterSettings field `--field-name`: the filter command must offer it."""
    import dataclasses

    import typer

    from rnakit.cli.lncrna import lncrna_app

    command = typer.main.get_command(lncrna_app).commands["filter"]  # type: ignore[attr-defined]
    options = {option for parameter in command.params for option in parameter.opts}
    for field in dataclasses.fields(FilterSettings):
        assert f"--{field.name.replace('_', '-')}" in options


def test_unknown_filter_option(tmp_path):
    write_inputs(tmp_path)
    assert "unknown filter option 'min_lenght'; did you mean 'min_length'?" in error_of(
        tmp_path, config(filter={"min_lenght": 300})
    )


def test_filter_option_of_the_wrong_type(tmp_path):
    write_inputs(tmp_path)
    message = error_of(tmp_path, config(filter={"min_length": "long"}), ValueRangeError)
    assert message.endswith("filter option min_length: expected an integer, found 'long'")


def test_filter_option_out_of_range(tmp_path):
    write_inputs(tmp_path)
    message = error_of(tmp_path, config(filter={"keep_classes": ["u", "z"]}), ValueRangeError)
    assert "filter option keep_classes: unknown location class(es) z" in message


def test_filter_section_that_is_not_a_mapping(tmp_path):
    write_inputs(tmp_path)
    assert "'filter' must map filter options to values" in error_of(tmp_path, config(filter=["min_length"]))


def test_hmm_file_that_is_not_hmmer(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "domains.hmm").write_text("not a profile HMM\n")
    with pytest.raises(InputFormatError) as caught:
        load(tmp_path, config(hmm="domains.hmm"))
    assert str(caught.value).startswith(f"{tmp_path / 'domains.hmm'}: ")


def test_coding_model_folder_that_is_not_a_model(tmp_path):
    write_inputs(tmp_path)
    (tmp_path / "model").mkdir()
    message = error_of(tmp_path, config(coding_model="model"), file="model")
    assert "not a coding-potential model folder" in message
