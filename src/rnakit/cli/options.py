"""Options shared by every ``rnakit sirna`` command that reads siRNA data."""

from __future__ import annotations

import functools
import inspect
import typing
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from rnakit.cpu import available_cores
from rnakit.sirna.columns import ColumnOptions

_PANEL = "Columns of your own CSV/TSV (not needed for competition files or dataset names)"

_COLUMN_PARAMETERS: dict[str, tuple[Any, Any]] = {
    "guide_col": (Optional[str], typer.Option("--guide-col", help="Column with the guide (antisense) strand, 5'→3'.", rich_help_panel=_PANEL)),
    "passenger_col": (Optional[str], typer.Option("--passenger-col", help="Column with the passenger (sense) strand, 5'→3'.", rich_help_panel=_PANEL)),
    "transcript_col": (Optional[str], typer.Option("--transcript-col", help="Column with the full target transcript.", rich_help_panel=_PANEL)),
    "context_col": (Optional[str], typer.Option("--context-col", help="Column with a local target window around the site (e.g. 19+19+19 nt).", rich_help_panel=_PANEL)),
    "label_col": (Optional[str], typer.Option("--label-col", help="Column with the measured efficacy.", rich_help_panel=_PANEL)),
    "label_kind": (str, typer.Option("--label-kind", help="What the label column holds: remaining (% mRNA left), inhibition (% knockdown) or fraction (knockdown, 0–1).", rich_help_panel=_PANEL)),
    "gene_col": (Optional[str], typer.Option("--gene-col", help="Column with the target gene symbol.", rich_help_panel=_PANEL)),
    "group_col": (Optional[str], typer.Option("--group-col", help="Column with your own grouping key for grouped splits.", rich_help_panel=_PANEL)),
    "id_col": (Optional[str], typer.Option("--id-col", help="Column with row ids (default: generated).", rich_help_panel=_PANEL)),
    "concentration_col": (Optional[str], typer.Option("--concentration-col", help="Column with the siRNA concentration (a number, or text with its unit such as '50nM').", rich_help_panel=_PANEL)),
    "concentration_unit": (Optional[str], typer.Option("--concentration-unit", help="Unit of bare numbers in the concentration column: pM, nM, uM or mM.", rich_help_panel=_PANEL)),
    "hours_col": (Optional[str], typer.Option("--hours-col", help="Column with the time after transfection, in hours.", rich_help_panel=_PANEL)),
    "cell_line_col": (Optional[str], typer.Option("--cell-line-col", help="Column with the cell line.", rich_help_panel=_PANEL)),
}
_DEFAULTS = {"label_kind": "remaining"}


def with_column_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the column options to a command; it receives them as one ``columns: ColumnOptions``.

    Written once here so every data-reading command offers the same options with the same help.
    """
    signature = inspect.signature(command)
    # Resolve the command's own (possibly postponed) annotations in its module, not this one.
    hints = typing.get_type_hints(command, include_extras=True)
    kept = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values() if p.name != "columns"
    ]
    added = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY,
            default=_DEFAULTS.get(name), annotation=Annotated[kind, option],
        )
        for name, (kind, option) in _COLUMN_PARAMETERS.items()
    ]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        columns = ColumnOptions(**{name: kwargs.pop(name) for name in _COLUMN_PARAMETERS})
        return command(columns=columns, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in kept + added}
    return wrapper


DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", help="Folder holding the shared datasets (default: $RNAKIT_DATA_DIR, else ../shared/data)."),
]
AllowUnknownModsOption = Annotated[
    bool,
    typer.Option("--allow-unknown-mods", help="Keep modification tokens outside the competition vocabulary instead of failing."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Write into an existing folder that rnakit did not write (or that another command wrote): "
                 "rnakit's files are replaced, every other file is kept."),
]
ThreadsOption = Annotated[
    Optional[int],
    typer.Option("--threads", min=1, help="CPU threads for LightGBM and PyTorch, shared out among worker processes "
                 f"(default: the cores available to this process, {available_cores()} here)."),
]
QuietOption = Annotated[
    bool,
    typer.Option("-q", "--quiet", help="No progress bars or spinners on stderr (errors and warnings still show)."),
]
