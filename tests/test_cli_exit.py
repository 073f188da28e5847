"""The console entry point ends the process without the interpreter's teardown: the exit status, the
output and the exit handlers must be those of a plain exit."""

from __future__ import annotations

import subprocess
import sys

ENTRY = "import sys; sys.argv[0] = 'rnakit'; from rnakit.cli import main; main()"


def _run(*args: str, code: str = ENTRY) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_a_command_exits_zero_with_its_whole_output_written():
    done = _run("--version")
    assert done.returncode == 0 and done.stdout.startswith("rnakit "), done.stderr


def test_a_users_mistake_exits_one_with_its_one_line_error(tmp_path):
    done = _run("sirna", "design", str(tmp_path / "missing.fa"), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "missing.fa" in done.stderr


def test_usage_errors_keep_their_status_and_exit_handlers_still_run():
    # An unknown option: click's usage status 2. A handler registered meanwhile prints when the process ends.
    code = "import atexit; atexit.register(lambda: print('handler ran', flush=True)); " + ENTRY
    done = _run("--no-such-option", code=code)
    assert done.returncode == 2 and done.stdout.strip() == "handler ran"
