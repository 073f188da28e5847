"""The ``rnakit`` command line: one thin Typer app per area, each command calling the Python API."""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
from typing import Annotated, Any, Optional

import typer
from rich.logging import RichHandler
from typer.core import TyperGroup

from rnakit import __version__
from rnakit.cli.console import err, print_error
from rnakit.cli.hybrid import hybrid_app
from rnakit.cli.graph import graph_app
from rnakit.cli.lncrna import lncrna_app
from rnakit.cli.serve import serve_command
from rnakit.cli.sirna import sirna_app
from rnakit.errors import RnakitError
from rnakit.requests import RequestError


class _UserErrorsAsOneLine(TyperGroup):
    """Turn a user's mistake (an RnakitError) or a file system refusal into one line on stderr and exit status 1."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RequestError as error:  # the request names its field; the command line names the flag
            print_error(error.for_cli())
            raise typer.Exit(1) from None
        except RnakitError as error:
            print_error(str(error))
            raise typer.Exit(1) from None
        except OSError as error:
            if error.filename is None:  # not about a file: a fault of rnakit's, keep the traceback
                raise
            # The file system said no after the checks (disk full, a folder made read-only meanwhile…).
            print_error(f"{error.filename}: {error.strerror or error}")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_UserErrorsAsOneLine,
    name="rnakit",
    help="Machine learning on RNA: siRNA efficacy prediction and design, RNA–RNA hybridisation, "
    "lincRNA identification, sequence graphs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sirna_app, name="sirna")
app.add_typer(hybrid_app, name="hybrid")
app.add_typer(lncrna_app, name="lncrna")
app.add_typer(graph_app, name="graph")
app.command("serve")(serve_command)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"rnakit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """Machine learning on RNA."""
    # Warnings from the library (e.g. rows whose target site is missing) go to stderr, briefly.
    logging.basicConfig(
        level=logging.WARNING, format="%(message)s",
        handlers=[RichHandler(console=err, show_time=False, show_path=False)], force=True,
    )


def main() -> None:
    """Console-script entry point. After the command, the exit steps Python takes run (threads joined, exit
    handlers, streams flushed), then the process ends without tearing the interpreter down: freeing every
    module's objects (pandas, numpy) one by one took 0.15 s of a 3 s design."""
    try:
        app()
        status: Any = 0
    except SystemExit as exc:
        status = exc.code
    if status is not None and not isinstance(status, int):  # sys.exit("message"): printed, status 1
        print(status, file=sys.stderr)
        status = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what interpreter shutdown does first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said there
            status = status or 120
    os._exit(status or 0)
