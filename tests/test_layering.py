"""Layering rules of the package (issue 19, item 2): which module may import which."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "rnakit"


def modules_loaded_by(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(*sorted(sys.modules))"],
                          capture_output=True, text=True, timeout=300, check=True)
    return set(done.stdout.split())


def test_the_lincrna_report_does_not_import_the_pipeline_that_writes_it():
    assert "rnakit.lncrna.pipeline" not in modules_loaded_by("import rnakit.lncrna.report")


def test_python_dash_m_rnakit_serve_does_not_import_the_command_line():
    # The module's code without running a server: its main() is what `python -m rnakit.serve` calls.
    loaded = modules_loaded_by("import rnakit.serve.__main__")
    assert "rnakit.serve.__main__" in loaded and not any(m.startswith("rnakit.cli") for m in loaded)


def test_one_module_chooses_the_matplotlib_backend_and_encodes_pngs():
    sources = {path.relative_to(SRC).as_posix(): path.read_text(encoding="utf-8") for path in SRC.rglob("*.py")}
    backend = sorted(name for name, text in sources.items() if re.search(r"matplotlib\.use\(", text))
    base64 = sorted(name for name, text in sources.items() if re.search(r"^import base64|b64encode", text, re.M))
    assert backend == base64 == ["report/plots.py"]
