"""``python -m rnakit.serve [OPTIONS]``: the server of ``rnakit serve``, with the same options.

Only the server's own modules are imported (not the whole command line). The guard matters: job
worker processes import the main module, which must not start a server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse the options, serve until stopped; a user's mistake is one line on stderr and status 1."""
    from rich.console import Console

    from rnakit.errors import RnakitError
    from rnakit.serve.server import run_server
    from rnakit.serve.settings import settings_from_options

    parser = argparse.ArgumentParser(prog="python -m rnakit.serve",
                                     description="The rnakit web app; `rnakit serve --help` explains each option.")
    for option, kind in (("--host", str), ("--port", int), ("--results-dir", Path), ("--max-upload-mb", float),
                         ("--jobs", int), ("--queue", int), ("--job-timeout", float), ("--max-age-hours", float),
                         ("--max-target-nt", int)):
        parser.add_argument(option, type=kind)
    parser.add_argument("--transcriptome", action="append", metavar="NAME=PATH")
    err = Console(stderr=True)
    try:
        run_server(settings_from_options(**vars(parser.parse_args(argv))), Console(), err)
    except RnakitError as error:
        err.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
