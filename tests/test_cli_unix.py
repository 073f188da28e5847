"""Unix habits of the command line (issue 19, item 5): a light import, '-' for standard input and
output, -q/--quiet, --threads."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from rnakit.cli import app

runner = CliRunner()
HEAVY = ("scipy", "matplotlib", "numba", "lightgbm", "torch")


def _imported_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code`` (whose own output is discarded)."""
    script = (f"import contextlib, io, sys\nwith contextlib.redirect_stdout(io.StringIO()):\n    {code}\n"
              f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout)


def test_importing_the_command_line_imports_no_heavy_library():
    assert _imported_after("import rnakit.cli") == []


def test_building_every_command_and_its_help_imports_no_heavy_library():
    # Typer resolves every command's options when it builds the app: that too must stay light.
    helps = [[], ["sirna"], ["sirna", "design"], ["sirna", "train"], ["sirna", "features"], ["hybrid", "search"],
             ["lncrna", "filter"], ["graph", "plot"]]
    code = ("from typer.main import get_command; from rnakit.cli import app; cmd = get_command(app); "
            f"[cmd.main(a + ['--help'], standalone_mode=False) for a in {helps!r}]")
    assert _imported_after(code) == []


def test_constants_repeated_for_the_help_agree_with_the_library():
    from rnakit.cli import design as cli_design
    from rnakit.cli import sirna as cli_sirna
    from rnakit.sirna import scoring
    from rnakit.sirna.design import candidates, options

    assert (cli_sirna.SUBMISSION_ID, cli_sirna.SUBMISSION_LABEL) == (scoring.SUBMISSION_ID, scoring.SUBMISSION_LABEL)
    assert cli_design.DEFAULT_LENGTH == candidates.DEFAULT_LENGTH
    assert cli_design.FILTERS == options.FILTERS


@pytest.mark.parametrize("area", ["sirna", "hybrid", "lncrna", "graph"])
def test_every_area_still_has_its_help(area):
    result = runner.invoke(app, [area, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
