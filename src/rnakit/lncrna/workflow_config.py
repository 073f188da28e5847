"""The YAML config of ``rnakit lncrna workflow``: read it, resolve its paths and check it before anything runs.

Every mistake a user can make in the config (a missing key, a misspelt or out-of-range option, a read
file that is absent, empty or not FASTQ, a genome that is not FASTA, an annotation without
``transcript_id`` or on contigs the genome lacks, a bad HMM file or model, a tool not installed) is
reported here in seconds, as one line naming the key, sample and file, rather than after the alignment.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import shutil
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rnakit.errors import InputFormatError, RnakitError, ValueRangeError
from rnakit.lncrna.coding import CodingModel
from rnakit.lncrna.domains import check_hmm_database
from rnakit.lncrna.gtf import Genome, read_gtf
from rnakit.lncrna.location import read_id_list
from rnakit.lncrna.settings import FilterSettings
from rnakit.seq.fastq import iter_fastq_records

REQUIRED_KEYS = ("genome", "annotation", "samples", "outdir")
# Optional inputs of the last step, `rnakit lncrna filter`: config key → its option.
FILTER_INPUTS = {"known_lncrna": "--known-lncrna", "coding_ids": "--coding-ids", "hmm": "--hmm", "coding_model": "--model"}
KNOWN_KEYS = (*REQUIRED_KEYS, *FILTER_INPUTS, "strandedness", "filter")
# The `filter:` section holds FilterSettings fields, passed on as `rnakit lncrna filter` options.
FILTER_OPTIONS = tuple(f.name for f in dataclasses.fields(FilterSettings))
READ_KEYS = ("r1", "r2")
# unstranded, or the two stranded protocols: rf = first read from the reverse strand (dUTP, TruSeq
# stranded), fr = first read from the transcript's strand (ligation, SOLiD).
STRANDEDNESS = ("unstranded", "rf", "fr")
# The command each step runs → the Debian/Ubuntu package that provides it.
REQUIRED_TOOLS = {
    "fastqc": "fastqc",
    "trim_galore": "trim-galore",
    "cutadapt": "cutadapt",
    "hisat2": "hisat2",
    "hisat2-build": "hisat2",
    "samtools": "samtools",
    "stringtie": "stringtie",
}
# Sample names become file names and Snakemake wildcards.
_SAMPLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Sample:
    """One paired-end RNA-seq library: its name and its two FASTQ files (absolute paths)."""

    name: str
    r1: Path
    r2: Path


@dataclass(frozen=True)
class WorkflowConfig:
    """A checked workflow config; every path is absolute."""

    genome: Path
    annotation: Path
    outdir: Path
    samples: tuple[Sample, ...]
    known_lncrna: Path | None = None
    coding_ids: Path | None = None
    hmm: Path | None = None
    coding_model: Path | None = None
    strandedness: str = "unstranded"
    filter_settings: FilterSettings = field(default_factory=FilterSettings)

    def filter_arguments(self) -> list[str]:
        """The ``rnakit lncrna filter`` options for the settings that differ from the defaults."""
        default = FilterSettings()
        arguments = []
        for name in FILTER_OPTIONS:
            value = getattr(self.filter_settings, name)
            if value != getattr(default, name):
                text = ",".join(value) if isinstance(value, tuple) else str(value)
                arguments += [f"--{name.replace('_', '-')}", text]
        return arguments

    def snakemake_config(self) -> dict[str, Any]:
        """The config the Snakefile reads: plain strings, with the filter's optional inputs by option."""
        return {
            "genome": str(self.genome),
            "annotation": str(self.annotation),
            "strandedness": self.strandedness,
            "samples": {s.name: {"r1": str(s.r1), "r2": str(s.r2)} for s in self.samples},
            "filter_inputs": {
                option: str(getattr(self, key)) for key, option in FILTER_INPUTS.items() if getattr(self, key) is not None
            },
            "filter_args": self.filter_arguments(),
        }


def load_workflow_config(path: str | Path) -> WorkflowConfig:
    """Read a workflow config (YAML) and check it; relative paths are taken from the config's folder.

    Raises an RnakitError naming the config, the key or sample and the file at the first problem.
    """
    source = Path(path)
    if not source.is_file():
        raise InputFormatError("no such config file", file=str(path))
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputFormatError(f"not valid YAML ({problem})", file=str(path), row=mark.line + 1 if mark else None) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"cannot read the config ({exc})", file=str(path)) from None
    if data is None:
        raise InputFormatError(f"empty config (expected the keys {', '.join(REQUIRED_KEYS)})", file=str(path))
    if not isinstance(data, Mapping):
        raise InputFormatError("the config must be a YAML mapping of keys to values", file=str(path))
    return parse_workflow_config(data, base=source.resolve().parent, file=str(path))


def parse_workflow_config(data: Mapping[str, Any], *, base: Path, file: str) -> WorkflowConfig:
    """Check a config already read into a mapping; ``base`` resolves relative paths, ``file`` names it in errors."""
    _reject_unknown(data, KNOWN_KEYS, what="key", file=file)
    missing = [key for key in REQUIRED_KEYS if data.get(key) in (None, "")]
    if missing:
        raise InputFormatError(f"missing required key(s): {', '.join(missing)}", file=file)
    strandedness = data.get("strandedness") or "unstranded"
    if strandedness not in STRANDEDNESS:
        raise ValueRangeError(f"strandedness {strandedness!r}: expected one of {', '.join(STRANDEDNESS)}", file=file)
    settings = _filter_settings(data.get("filter") or {}, file)

    genome = _existing_file(_path(data, "genome", base, file), "genome", file=file)
    annotation = _existing_file(_path(data, "annotation", base, file), "annotation", file=file)
    outdir = _path(data, "outdir", base, file)
    if outdir.exists() and not outdir.is_dir():
        raise InputFormatError(f"outdir {outdir} exists and is not a folder", file=file)
    inputs = {key: _path(data, key, base, file) if data.get(key) else None for key in FILTER_INPUTS}
    for key, path in inputs.items():
        if path is not None and key != "coding_model":  # a folder, which CodingModel.load checks
            _existing_file(path, key, file=file)
    samples = _samples(data["samples"], base, file)
    _check_filter_inputs(genome, annotation, **inputs)
    return WorkflowConfig(
        genome=genome, annotation=annotation, outdir=outdir, samples=samples,
        strandedness=strandedness, filter_settings=settings, **inputs,
    )


def missing_tools() -> dict[str, str]:
    """The workflow's commands that are not on PATH → the Debian/Ubuntu package to install for each."""
    return {tool: package for tool, package in REQUIRED_TOOLS.items() if shutil.which(tool) is None}


def check_tools() -> None:
    """Raise an RnakitError naming every missing command and the packages that provide them."""
    missing = missing_tools()
    if missing:
        packages = " ".join(dict.fromkeys(missing.values()))
        raise RnakitError(
            f"commands not found on PATH: {', '.join(missing)} (Debian/Ubuntu: sudo apt-get install {packages}; "
            "or run scripts/install-tools.sh)"
        )


def _reject_unknown(data: Mapping[str, Any], known: tuple[str, ...], *, what: str, file: str) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(known)}"
            raise InputFormatError(f"unknown {what} {key!r}; {hint}", file=file)


def _path(data: Mapping[str, Any], key: str, base: Path, file: str) -> Path:
    value = data[key]
    if not isinstance(value, str):
        raise InputFormatError(f"{key!r} must be a path, found {value!r}", file=file)
    return (base / Path(_data_dir_expanded(value, key, file)).expanduser()).resolve()


def _data_dir_expanded(value: str, key: str, file: str) -> str:
    """``value`` with ``$RNAKIT_DATA_DIR`` (or ``${RNAKIT_DATA_DIR}``) replaced by the shared data folder,
    found as the dataset commands find it (the variable, else ``shared/data`` beside the checkout …), so
    that a config names shared inputs once for every machine."""
    from rnakit.sirna.datasets.registry import DATA_DIR_ENV, default_data_dir

    names = ("${" + DATA_DIR_ENV + "}", "$" + DATA_DIR_ENV)
    if not any(name in value for name in names):
        return value
    folder = default_data_dir()
    if folder is None:
        raise InputFormatError(f"{key!r} names ${DATA_DIR_ENV}, which is not set (and no shared/data folder was "
                               f"found): set it to the folder holding the data", file=file)
    for name in names:
        value = value.replace(name, str(folder))
    return value


def _existing_file(path: Path, what: str, *, file: str) -> Path:
    if not path.is_file():
        raise InputFormatError(f"{what} file not found: {path}", file=file)
    if path.stat().st_size == 0:
        raise InputFormatError(f"{what} file is empty: {path}", file=file)
    return path


def _check_filter_inputs(
    genome: Path, annotation: Path, *, known_lncrna: Path | None, coding_ids: Path | None, hmm: Path | None,
    coding_model: Path | None,
) -> None:
    """Read what the last step will read, so its errors come now rather than after the alignment.

    The genome is FASTA and every annotated transcript lies within its contigs (the genome index built
    here is cached and reused by the filter); the id list, HMM database and model folder are readable.
    """
    indexed = Genome(genome)
    for gtf in (annotation, known_lncrna):
        if gtf is not None:
            indexed.check(read_gtf(gtf).values())
    if coding_ids is not None:
        read_id_list(coding_ids)
    if hmm is not None:
        check_hmm_database(hmm)
    if coding_model is not None:
        CodingModel.load(coding_model)


def _filter_settings(options: Any, file: str) -> FilterSettings:
    """The ``filter:`` section as FilterSettings: known names, values of the right type and in range."""
    if not isinstance(options, Mapping):
        raise InputFormatError("'filter' must map filter options to values, e.g. 'min_length: 300'", file=file)
    _reject_unknown(options, FILTER_OPTIONS, what="filter option", file=file)
    kinds = typing.get_type_hints(FilterSettings)
    settings = FilterSettings(**{name: _setting(name, value, kinds[name], file) for name, value in options.items()})
    try:
        settings.validate()
    except ValueRangeError as exc:
        raise ValueRangeError(f"filter option {exc.column or ''}: {exc.detail}", file=file) from None
    return settings


def _setting(name: str, value: Any, kind: Any, file: str) -> Any:
    """``value`` as the field's type: int, float, str, or tuple[str, ...] (from a YAML list or 'a,b')."""
    if kind == tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return tuple(item.strip() for item in items if item.strip())
        expected = "a list of names"
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        expected = "an integer"
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        expected = "a number"
    else:
        if isinstance(value, str):
            return value
        expected = "a word"
    raise ValueRangeError(f"filter option {name}: expected {expected}, found {value!r}", file=file)


def _samples(samples: Any, base: Path, file: str) -> tuple[Sample, ...]:
    if not isinstance(samples, Mapping) or not samples:
        raise InputFormatError(
            "'samples' must map each sample name to its reads, e.g. 'wt1: {r1: wt1_R1.fq.gz, r2: wt1_R2.fq.gz}'",
            file=file,
        )
    parsed = []
    for name, reads in samples.items():
        name = str(name)
        if not _SAMPLE_NAME.fullmatch(name):
            raise InputFormatError(f"sample name {name!r}: use letters, digits, '_', '-' and '.' (it names files)", file=file)
        if not isinstance(reads, Mapping):
            raise InputFormatError(f"sample {name!r}: expected {{r1: FASTQ, r2: FASTQ}}, found {reads!r}", file=file)
        _reject_unknown(reads, READ_KEYS, what=f"read key in sample {name!r}:", file=file)
        absent = [key for key in READ_KEYS if not reads.get(key)]
        if absent:
            raise InputFormatError(f"sample {name!r}: missing {' and '.join(absent)} (paired-end reads)", file=file)
        r1, r2 = (_reads(name, key, _path(reads, key, base, file), file) for key in READ_KEYS)
        if r1 == r2:
            raise InputFormatError(f"sample {name!r}: r1 and r2 are the same file {r1}", file=file)
        parsed.append(Sample(name, r1, r2))
    return tuple(parsed)


def _reads(sample: str, key: str, path: Path, file: str) -> Path:
    """A sample's FASTQ must exist and start with a well-formed read (an empty gzip stream fails here too)."""
    what = f"sample {sample!r} {key}"
    _existing_file(path, what, file=file)
    try:
        next(iter_fastq_records(path))
    except InputFormatError as exc:
        raise InputFormatError(f"{what} {path}: {exc.detail}", file=file) from None
    return path
