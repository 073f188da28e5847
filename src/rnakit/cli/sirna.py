"""``rnakit sirna``: siRNA datasets, validation, scoring, features, training and prediction."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from rnakit.cli.console import err, out, print_error
from rnakit.cli.design import design_command
from rnakit.cli.options import (
    AllowUnknownModsOption,
    DataDirOption,
    ForceOption,
    JsonOption,
    QuietOption,
    ThreadsOption,
    with_column_options,
)
from rnakit.errors import InputFormatError
from rnakit.sirna.columns import ColumnOptions
from rnakit.sirna.requests import PredictRequest, TrainRequest

if TYPE_CHECKING:
    from rnakit.sirna.validate import ValidationReport

# The library's heavy modules (pandas, scipy, LightGBM…) are imported inside each command, so that
# 'rnakit --help' and building the app stay fast; these two names are rnakit.sirna.scoring's
# SUBMISSION_ID and SUBMISSION_LABEL, repeated for the help texts (a test checks they agree).
SUBMISSION_ID = "id"
SUBMISSION_LABEL = "mRNA_remaining_pct"

sirna_app = typer.Typer(
    help="siRNA knockdown efficacy: datasets, validation, scoring, features, training, prediction.",
    no_args_is_help=True,
)

DataArgument = Annotated[str, typer.Argument(help="A CSV/TSV file (.gz allowed) or the name of a known dataset (see 'rnakit sirna datasets').")]


datasets_app = typer.Typer(help="Known siRNA datasets: list them (the default) or fetch one.")
sirna_app.add_typer(datasets_app, name="datasets")
sirna_app.command("design")(design_command)


def _list_datasets(data_dir: Path | None, as_json: bool) -> None:
    from rich.table import Table

    from rnakit.errors import DatasetNotFoundError
    from rnakit.sirna.datasets import dataset_folder, registry

    rows = []
    for info in registry().values():
        try:
            folder = str(dataset_folder(info.name, data_dir))
        except DatasetNotFoundError:
            folder = None
        rows.append({
            "name": info.name, "rows": info.rows, "genes": info.genes, "label_kind": info.label_kind,
            "licence": info.licence, "available": folder is not None, "folder": folder,
            "fetchable": bool(info.urls), "description": info.description, "notes": info.notes,
        })
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title="Known siRNA datasets (name them wherever a file is expected)")
    for column in ("name", "rows", "genes", "label", "licence", "here", "fetch"):
        table.add_column(column, justify="right" if column in ("rows", "genes") else "left", no_wrap=column == "name")
    for row in rows:
        table.add_row(
            row["name"], f"{row['rows']:,}", "" if row["genes"] is None else str(row["genes"]),
            row["label_kind"], row["licence"], "yes" if row["available"] else "no",
            "yes" if row["fetchable"] else "no",
        )
    out.print(table)
    out.print("genes: distinct target-gene symbols, case-insensitive (HAO1 = Hao1), or transcripts where no gene is given")


@datasets_app.callback(invoke_without_command=True)
def datasets_command(ctx: typer.Context, data_dir: DataDirOption = None, as_json: JsonOption = False) -> None:
    """List the known siRNA datasets: rows, genes, label convention, licence, and whether their files are here."""
    if ctx.invoked_subcommand is None:
        _list_datasets(data_dir, as_json)


@datasets_app.command("list")
def list_command(data_dir: DataDirOption = None, as_json: JsonOption = False) -> None:
    """List the known siRNA datasets (same as 'rnakit sirna datasets')."""
    _list_datasets(data_dir, as_json)


@datasets_app.command("fetch")
def fetch_command(
    name: Annotated[str, typer.Argument(help="Dataset name (see 'rnakit sirna datasets').")],
    data_dir: DataDirOption = None,
) -> None:
    """Download a dataset into the data directory and verify every file's sha256."""
    from rnakit.sirna.datasets import get_info
    from rnakit.sirna.datasets.fetch import fetch_dataset

    paths = fetch_dataset(get_info(name), data_dir)
    out.print(f"{name}: {len(paths)} file(s) verified in {paths[0].parent}")


def _print_report(report: ValidationReport, show: int) -> None:
    from rich.table import Table

    from rnakit.sirna.validate import FLAG_DESCRIPTIONS

    summary = report.summary
    overview = Table(title=f"{report.file}: {'training' if report.is_training else 'unlabelled'} table", show_header=False)
    overview.add_column("what")
    overview.add_column("value")
    for key in ("rows", "genes", "rows_without_gene", "duplexes", "distinct_guides", "transcripts"):
        overview.add_row(key.replace("_", " "), f"{summary[key]:,}")
    if "label" in summary:
        label = summary["label"]
        overview.add_row(
            "% mRNA remaining",
            f"n={label['n']:,}  min {label['min']:.4g}  median {label['median']:.4g}  mean {label['mean']:.4g}  "
            f"max {label['max']:.4g}  <30: {label['below_30']:,}  >100: {label['above_100']:,}",
        )
    if "concentration_nm" in summary:
        conc = summary["concentration_nm"]
        overview.add_row("concentration (nM)", f"min {conc['min']:g}  median {conc['median']:g}  max {conc['max']:g}")
    for key in ("hours", "transfection", "cell_line", "species"):
        if key in summary:
            overview.add_row(key.replace("_", " "), ", ".join(f"{k}: {v:,}" for k, v in summary[key].items()))
    if report.site_counts:
        overview.add_row("target site in transcript", ", ".join(f"{k}: {v:,}" for k, v in report.site_counts.items()))
    out.print(overview)

    flagged = {name: rows for name, rows in report.flags.items() if rows}
    if flagged:
        flags = Table(title="Flagged rows (kept; check them)")
        for column in ("check", "rows", "first rows", "meaning"):
            flags.add_column(column)
        for name, rows in flagged.items():
            flags.add_row(name, f"{len(rows):,}", ", ".join(map(str, rows[:show])), FLAG_DESCRIPTIONS[name])
        out.print(flags)
    if report.errors:
        errors = Table(title=f"{len(report.errors):,} error(s)", title_style="bold red")
        for column in ("row", "column", "problem"):
            errors.add_column(column)
        for problem in report.errors[:show]:
            errors.add_row(str(problem.row), problem.file_column, problem.message)
        out.print(errors)
        first = report.errors[0].as_error(report.file)
        print_error(f"{len(report.errors):,} error(s); first: {first}")
    else:
        out.print(f"[bold green]valid:[/] {report.n_rows:,} rows, no errors")


@sirna_app.command("validate")
@with_column_options
def validate_command(
    data: DataArgument,
    columns: ColumnOptions,
    data_dir: DataDirOption = None,
    allow_unknown_mods: AllowUnknownModsOption = False,
    show: Annotated[int, typer.Option("--show", help="How many flagged rows and errors to list.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Check an siRNA table and summarise it; exit status 1 when it has errors."""
    from rnakit.files import json_safe
    from rnakit.sirna.tables import load_table
    from rnakit.sirna.validate import validate_table

    table = load_table(data, columns, data_dir=data_dir, allow_unknown_mods=allow_unknown_mods)
    report = validate_table(table, file=data, is_training=True if columns.label_col else None)
    if as_json:
        out.print_json(json.dumps(json_safe({
            "file": report.file, "rows": report.n_rows, "training": report.is_training,
            "summary": report.summary, "site_counts": report.site_counts,
            "flags": {k: {"count": len(v), "rows": v[:show]} for k, v in report.flags.items()},
            "errors": [{"row": p.row, "column": p.file_column, "field": p.column, "message": p.message}
                       for p in report.errors[:show]],
            "n_errors": len(report.errors),
        }), allow_nan=False))
    else:
        _print_report(report, show)
    if not report.ok:
        raise typer.Exit(1)


@sirna_app.command("score")
@with_column_options
def score_command(
    truth: Annotated[str, typer.Option("--truth", help=f"Measured labels: a CSV/TSV with columns '{SUBMISSION_ID}' and '{SUBMISSION_LABEL}' (the submission format; a competition file has them; else name them with --id-col, --label-col and --label-kind; no strands needed), or a dataset name.")],
    pred: Annotated[Path, typer.Option("--pred", help=f"Predictions: CSV/TSV with columns '{SUBMISSION_ID}' and '{SUBMISSION_LABEL}' (% mRNA remaining).")],
    columns: ColumnOptions,
    data_dir: DataDirOption = None,
    pred_col: Annotated[str, typer.Option("--pred-col", help="Column of the prediction file with predicted % mRNA remaining.")] = SUBMISSION_LABEL,
    as_json: JsonOption = False,
) -> None:
    """Score predictions against measured % mRNA remaining with the competition score and the usual metrics."""
    from rnakit.sirna.scoring import read_predictions, read_truth, score_predictions

    table = read_truth(truth, columns, data_dir=data_dir)
    predictions = read_predictions(pred, id_col=columns.id_col or SUBMISSION_ID, pred_col=pred_col)
    metrics = score_predictions(table, predictions, truth_file=truth, pred_file=str(pred))
    _print_metrics(metrics, as_json, f"predictions {pred} vs measured {truth}")


def _print_metrics(metrics: dict[str, float], as_json: bool, heading: str) -> None:
    from rich.table import Table

    from rnakit.files import json_safe

    if as_json:
        out.print_json(json.dumps(json_safe(metrics)))
        return
    out.print(heading)
    result = Table()
    result.add_column("metric")
    result.add_column("value", justify="right")
    for key, value in metrics.items():
        result.add_row(key, str(value) if key == "n" else f"{value:.4f}")
    out.print(result)


@sirna_app.command("features")
@with_column_options
def features_command(
    data: Annotated[Optional[str], typer.Argument(help="A CSV/TSV file or a known dataset name.")] = None,
    columns: ColumnOptions = ColumnOptions(),
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Where to write the matrix: .parquet or .csv.")] = None,
    group_list: Annotated[Optional[str], typer.Option("--groups", help="Comma-separated feature groups (default: all; see --list).")] = None,
    list_groups: Annotated[bool, typer.Option("--list", help="List the feature groups and exit.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Recompute everything; do not read or write the cache.")] = False,
    data_dir: DataDirOption = None,
    allow_unknown_mods: AllowUnknownModsOption = False,
    quiet: QuietOption = False,
) -> None:
    """Compute a feature matrix (one row per input row, 'id' first) and write it to --output."""
    from rich.progress import Progress, TimeElapsedColumn
    from rich.table import Table

    from rnakit.outputs import check_output_file
    from rnakit.sirna.features import FeatureGroup, compute_features, default_cache_dir, groups, resolve_groups
    from rnakit.sirna.features.output import check_output_path, write_features
    from rnakit.sirna.tables import load_table

    if list_groups:
        listing = Table(title="Feature groups")
        listing.add_column("group", no_wrap=True)
        listing.add_column("what it measures")
        for group in groups(optional=True).values():
            listing.add_row(group.name, group.description + (" (optional: only when named)" if group.optional else ""))
        out.print(listing)
        return
    if data is None or output is None:
        raise InputFormatError("give the data to featurise and --output (or --list)")
    check_output_path(output)
    check_output_file(output, inputs=[data])
    names = [g.strip() for g in group_list.split(",") if g.strip()] if group_list else None
    chosen = resolve_groups(names)
    table = load_table(data, columns, data_dir=data_dir, allow_unknown_mods=allow_unknown_mods)
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True,
                  disable=quiet) as progress:
        task = progress.add_task("features", total=len(chosen))

        def advance(group: FeatureGroup) -> None:
            progress.update(task, description=f"features: {group.name}", completed=chosen.index(group))

        matrix = compute_features(
            table, names, cache_dir=None if no_cache else default_cache_dir(), file=data, on_group=advance,
        )
    write_features(matrix, output)
    out.print(f"{len(matrix):,} rows × {matrix.shape[1] - 1:,} features → {output}")


DataOption = Annotated[str, typer.Option("--data", help="A CSV/TSV file, a known dataset name, or - for standard input ('sirna predict').")]
ModelDirOption = Annotated[str, typer.Option("--model", help="A run folder written by 'rnakit sirna train', or 'default' for the shipped model.")]


def _cache(no_cache: bool) -> Path | None:
    from rnakit.sirna.features import default_cache_dir

    return None if no_cache else default_cache_dir()


@sirna_app.command("train")
@with_column_options
def train_command(
    data: DataOption,
    out_dir: Annotated[Path, typer.Option("--out", help="Run folder to write (model, out-of-fold predictions, report): a new one, or an earlier run (replaced only when training succeeds).")],
    columns: ColumnOptions = ColumnOptions(),
    model: Annotated[str, typer.Option("--model", help="Model: lgbm (LightGBM on the features), lgbm-cal (lgbm choosing shift + gate or the gate alone on inner folds), lgbm-seen (lgbm + the out-of-fold level of a target seen in training; for random splits), lgbm-assay (lgbm + the out-of-fold level of the row's publication, gene and conditions; for duplex splits, trained with --cv duplex), lgbm-gene-assay (lgbm-gene + the same assay levels, identity never hidden; for duplex splits, --cv duplex), lgbm-rank (LightGBM over pooled studies, label transform or ranking objective chosen on inner folds), lgbm-level (gene level + within-gene deviation), lgbm-gene (lgbm-level + a within-gene rank model, blend, monotone stacker or deviation chosen on inner folds), seqnet (network over strands, chemistry, target site and features), ensemble (lgbm + seqnet blended out-of-fold; slowest), gnn (rnakit's graph network over siRNA, mRNA and pair nodes; mean of three seeds' networks), gnn4sirna (GNN4siRNA's published recipe), or gru-baseline (the competition tutorial's GRU, the reference).")] = TrainRequest.default("model"),
    cv: Annotated[str, typer.Option("--cv", help="Cross-validation split: gene (target gene held out), duplex, publication, group, random (optimistic) or none.")] = TrainRequest.default("cv"),
    folds: Annotated[int, typer.Option("--folds", help="Number of folds.")] = TrainRequest.default("folds"),
    threads: ThreadsOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (folds and models).")] = TrainRequest.default("seed"),
    group_list: Annotated[Optional[str], typer.Option("--groups", help="Comma-separated feature groups (default: all).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Recompute features instead of using the cache.")] = False,
    data_dir: DataDirOption = None,
    allow_unknown_mods: AllowUnknownModsOption = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Train a model with honest cross-validation, then a final model on all rows; write a report."""
    from rnakit.sirna import jobs

    request = TrainRequest.from_dict({
        "data": data, "out": out_dir, "columns": columns, "model": model, "cv": cv, "folds": folds, "seed": seed,
        "groups": group_list or None, "no_cache": no_cache, "threads": threads, "data_dir": data_dir,
        "allow_unknown_mods": allow_unknown_mods})
    table = jobs.request_table(request)
    with _train_progress(request, quiet) as step:
        summary = jobs.train(request, table, force=force, step=step)
    if "cv" in summary:
        overall = summary["cv"]["overall"]
        out.print(f"held-out ({folds}-fold, {cv} split): score {overall['score']:.4f}  MAE {overall['mae']:.2f}  "
                  f"F1 {overall['f1']:.3f}  Pearson {overall['pearson']:.3f}")
    out.print(f"model and report → {out_dir}")


@contextlib.contextmanager
def _train_progress(request: TrainRequest, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A Rich bar on stderr over a training run's stages: features, each fold, the final model (none
    under --quiet); yields the run's step callback."""
    from rich.progress import Progress, TimeElapsedColumn

    folds = [f"fold {k + 1} of {request.folds}" for k in range(request.folds)] if request.strategy else []
    stages = ["features", *folds, "final model"]
    with Progress(*Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True,
                  disable=quiet) as progress:
        task = progress.add_task(f"training {request.model}", total=len(stages))
        yield lambda name: progress.update(task, description=f"training {request.model}: {name}",
                                           completed=stages.index(name))


@sirna_app.command("predict")
@with_column_options
def predict_command(
    model_dir: ModelDirOption,
    data: DataOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV to write: id, mRNA_remaining_pct (the submission format); - for standard output.")],
    columns: ColumnOptions = ColumnOptions(),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Recompute features instead of using the cache.")] = False,
    threads: ThreadsOption = None,
    data_dir: DataDirOption = None,
    allow_unknown_mods: AllowUnknownModsOption = False,
) -> None:
    """Predict % mRNA remaining for every row, in input order, in the competition's submission format."""
    from dataclasses import replace

    from rnakit.cli.stdio import input_path, is_stdio, text_output
    from rnakit.outputs import check_output_file
    from rnakit.sirna import jobs

    request = PredictRequest.from_dict({
        "model": model_dir, "data": data, "output": output, "columns": columns, "no_cache": no_cache,
        "threads": threads, "data_dir": data_dir, "allow_unknown_mods": allow_unknown_mods})
    if not is_stdio(output):
        check_output_file(output, inputs=[data])
    with input_path(data) as source:  # '-': standard input, through a temporary file
        table = jobs.request_table(replace(request, data=str(source)) if is_stdio(data) else request)
    submission = jobs.predict(request, table)
    with text_output(output) as handle:
        submission.to_csv(handle, index=False)
    # With -o -, standard output holds the table alone: the message goes to stderr.
    (err if is_stdio(output) else out).print(f"{len(submission):,} predictions → {output}")


@sirna_app.command("evaluate")
@with_column_options
def evaluate_command(
    model_dir: ModelDirOption,
    data: DataOption,
    columns: ColumnOptions = ColumnOptions(),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Recompute features instead of using the cache.")] = False,
    threads: ThreadsOption = None,
    data_dir: DataDirOption = None,
    allow_unknown_mods: AllowUnknownModsOption = False,
    as_json: JsonOption = False,
) -> None:
    """Score a saved model on labelled data (same metrics and JSON keys as 'rnakit sirna score')."""
    from rnakit.sirna.runs import evaluate_run, resolve_model_dir
    from rnakit.sirna.tables import load_table

    table = load_table(data, columns, data_dir=data_dir, allow_unknown_mods=allow_unknown_mods)
    metrics = evaluate_run(resolve_model_dir(model_dir), table, data=data, cache_dir=_cache(no_cache), threads=threads)
    _print_metrics(metrics, as_json, f"model {model_dir} on {data}")
