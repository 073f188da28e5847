"""siRNA efficacy prediction from the web: a few pasted siRNAs within the request, or an uploaded
competition-format table as a background job. Both go through ``predict_run``, as the CLI does."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.files import atomic_directory
from rnakit.seq.alphabet import normalise_rna
from rnakit.requests import Request
from rnakit.serve.inputs import shown_as
from rnakit.serve.jobs import OUTPUT_DIR
from rnakit.sirna.design.efficacy import Conditions
from rnakit.sirna.design.patterns import parse_pattern
from rnakit.sirna import jobs
from rnakit.sirna.requests import CELL_LINE, CONC_NM, HOURS, SHIPPED_MODELS, PredictRequest, check_conditions
from rnakit.sirna.scoring import SUBMISSION_ID
from rnakit.sirna.tables import ColumnOptions, load_table, read_generic
from rnakit.sirna.validate import sequence_errors

PASTED = "pasted siRNAs"
PREDICTIONS_FILE = "predictions.csv"
MODELS = ("auto", *SHIPPED_MODELS)
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Sirna:
    guide: str
    passenger: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class PredictOptions(Request):
    """Chemistry and conditions shared by every pasted siRNA, and the model to use."""

    pattern: str | None = None
    conc_nm: float = CONC_NM
    hours: float = HOURS
    cell_line: str = CELL_LINE
    # The target mRNA of every siRNA: one per request keeps the features in this process (several
    # transcripts would start a process pool inside the server).
    transcript: str | None = None
    model: str = "auto"

    @classmethod
    def from_form(cls, values: Mapping[str, Any]) -> PredictOptions:
        """The options from a form's fields (strings parsed; empty ones keep the defaults)."""
        names = {f.name for f in fields(cls)}
        return cls.from_dict({k: v for k, v in values.items() if k in names and isinstance(v, str) and v.strip()})

    def _check(self) -> None:
        if self.model not in MODELS:
            raise self.error(f"unknown model {self.model!r} (known: {', '.join(MODELS)})", "model")
        check_conditions(self, self.conc_nm, self.hours)
        if self.pattern:
            with self.about("pattern"):
                parse_pattern(self.pattern)

    @property
    def model_name(self) -> str:
        """auto: the competition model (``default``) for modified siRNAs, else the ``unmodified`` one."""
        if self.model == "auto":
            return "default" if self.pattern else "unmodified"
        return self.model


def sirnas_from_lines(text: str) -> list[Sirna]:
    """One siRNA per line: ``GUIDE``, ``GUIDE PASSENGER`` or ``ID GUIDE PASSENGER`` (spaces, tabs or commas)."""
    sirnas = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = [f for f in _SEPARATORS.split(line.strip()) if f]
        if not fields:
            continue
        if len(fields) > 3:
            raise InputFormatError(f"{len(fields)} fields; expected GUIDE, GUIDE PASSENGER or ID GUIDE PASSENGER",
                                   file=PASTED, row=number)
        sirnas.append(Sirna(id=fields[0], guide=fields[1], passenger=fields[2]) if len(fields) == 3
                      else Sirna(guide=fields[0], passenger=fields[1] if len(fields) == 2 else None))
    return sirnas


def inline_table(sirnas: Sequence[Sirna], options: PredictOptions, *, max_rows: int, max_nt: int) -> pd.DataFrame:
    """The pasted siRNAs as the canonical table (read as a CSV with --guide-col etc. would be)."""
    options.check()
    if not sirnas:
        raise InputFormatError("no siRNAs given (one per line: GUIDE PASSENGER)", file=PASTED)
    if len(sirnas) > max_rows:
        raise ValueRangeError(f"{len(sirnas):,} siRNAs; this server predicts at most {max_rows:,} within a request "
                              "(upload a CSV for a background job, or use rnakit sirna predict)", file=PASTED)
    if options.transcript is not None:
        transcript = normalise_rna(options.transcript)
        if len(transcript) > max_nt:
            raise SequenceError(f"{len(transcript):,} nt is longer than this server accepts (limit {max_nt:,} nt)",
                                file=PASTED, column="transcript")
    frame = pd.DataFrame({
        "id": [s.id or str(row) for row, s in enumerate(sirnas, start=1)],
        "guide": [s.guide for s in sirnas],
        "passenger": [s.passenger for s in sirnas],
        "transcript": [options.transcript] * len(sirnas),
    })
    has_passenger = any(s.passenger for s in sirnas)
    has_transcript = options.transcript is not None
    table = read_generic(PASTED, ColumnOptions(guide_col="guide", id_col="id",
                                               passenger_col="passenger" if has_passenger else None,
                                               transcript_col="transcript" if has_transcript else None), frame=frame)
    check_sequences(table, PASTED)
    return _with_chemistry(table, options)


def check_sequences(table: pd.DataFrame, display: str) -> None:
    """The first bad letter or impossible strand length, as the feature code (and so the CLI) reports it."""
    errors = sequence_errors(table)
    if errors:
        raise errors[0].as_error(display)


def _with_chemistry(table: pd.DataFrame, options: PredictOptions) -> pd.DataFrame:
    """Modification tokens from the pattern and the conditions, as design does for its candidates."""
    if options.pattern:
        guide_pattern, passenger_pattern = parse_pattern(options.pattern)
        for column, pattern in (("guide", guide_pattern), ("passenger", passenger_pattern)):
            if pattern is None:
                continue
            mods = []
            for row, strand in enumerate(table[column], start=1):
                if strand is None:
                    raise InputFormatError("the pattern names a passenger but this siRNA has none",
                                           file=PASTED, row=row, column="passenger")
                try:
                    mods.append(pattern.apply(strand))
                except ValueRangeError as error:
                    raise ValueRangeError(error.detail, file=PASTED, row=row, column=column) from None
            table[f"{column}_mods"] = mods
    for column, values in Conditions(options.conc_nm, options.hours, options.cell_line).columns(len(table)).items():
        table[column] = values
    return table


def predict_table(table: pd.DataFrame, model: str, data: str, output: Path, threads: int) -> None:
    """Predict every row (on ``threads`` CPU threads) as ``rnakit sirna predict`` does and write
    predictions.csv (id, mRNA_remaining_pct: the CLI's submission format). The server keeps no feature
    cache: its inputs are users' uploads."""
    submission = jobs.predict(PredictRequest(model=model, data=data, threads=threads, no_cache=True), table)
    with atomic_directory(output) as scratch:
        submission.to_csv(scratch / PREDICTIONS_FILE, index=False)


def inline_cli(options: PredictOptions) -> str:
    """The command predicting the pasted siRNAs, saved as a CSV with guide and passenger columns."""
    request = PredictRequest(model=options.model_name, data="sirnas.csv",
                             columns=ColumnOptions(guide_col="guide", passenger_col="passenger"))
    return request.cli_command(model=request.model, output=PREDICTIONS_FILE)


def prepare_upload(path: Path, display: str, folder: Path, *, model: str, max_rows: int, max_nt: int) -> dict[str, Any]:
    """Read the uploaded table now (errors at once, named as the user's file) and check the limits; the
    job's stored request."""
    if model not in SHIPPED_MODELS:  # a run folder would be a path on the server
        raise PredictRequest().error(f"unknown model {model!r} (known: {', '.join(SHIPPED_MODELS)})", "model")
    request = PredictRequest(model=model, data=str(path.relative_to(folder))).check()
    with shown_as(path, display):
        table = load_table(path)
    check_sequences(table, display)
    if len(table) > max_rows:
        raise ValueRangeError(f"{len(table):,} rows; this server predicts at most {max_rows:,} rows "
                              "(use rnakit sirna predict for more)", file=display)
    lengths = table["transcript"].map(lambda t: len(t) if isinstance(t, str) else 0)
    if len(lengths) and lengths.max() > max_nt:
        row = int(lengths.to_numpy().argmax()) + 1
        raise SequenceError(f"{int(lengths.max()):,} nt is longer than this server accepts (limit {max_nt:,} nt)",
                            file=display, row=row, column="gene_target_seq")
    return {"request": request.to_dict(), "display": display, "model": model}


def upload_cli(job: Mapping[str, Any]) -> str:
    """The ``rnakit sirna predict`` command doing what an upload job does."""
    request = PredictRequest.from_dict(job["request"], check=False)
    return request.cli_command(model=request.model, data=job["display"], output=PREDICTIONS_FILE)


def run_job(folder: Path, job: Mapping[str, Any], step: Callable[[str], None], threads: int) -> None:
    """Worker: predict an uploaded table into ``folder/output/predictions.csv``."""
    request = PredictRequest.from_dict(job["request"], check=False)
    path = folder / request.data
    step("reading the table")
    with shown_as(path, job["display"]):
        table = load_table(path)
        step("features and predictions")
        predict_table(table, request.model, job["display"], folder / OUTPUT_DIR, threads)


def read_result(output: Path, model: str) -> dict[str, Any]:
    """The predictions of a finished job, in input order."""
    frame = pd.read_csv(output / PREDICTIONS_FILE, dtype={SUBMISSION_ID: str})
    return {"model": model, "rows": frame.to_dict(orient="records")}
