"""The feature groups load when first asked for: design's own imports leave numba and ViennaRNA to the
processes that compute features, and the groups keep their order whichever module loads first."""

import subprocess
import sys

EXPECTED_ORDER = ["composition", "kmers", "position", "thermo", "rules", "modifications", "target", "conditions",
                  "identity", "transcript"]


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_design_and_model_loading_import_neither_numba_nor_viennarna():
    code = ("import sys\n"
            "from rnakit.sirna.design.design import design_target\n"
            "from rnakit.sirna.design.filters import seed_duplex_tm\n"
            "from rnakit.sirna.models.registry import load_model\n"
            "from rnakit.sirna.models.shipped import resolve_model_dir\n"
            "seed_duplex_tm(['ACGUACGUACGUACGUACGUA'])\n"
            "load_model(resolve_model_dir('unmodified'), 1, predict_only=True)\n"
            "print(sorted(m for m in ('numba', 'RNA') if m in sys.modules))")
    assert _run(code) == "[]"


def test_groups_keep_their_order_whichever_group_module_is_imported_first():
    # rules imports energy: thermo and rules register before composition, kmers and position.
    code = ("import rnakit.sirna.features.rules\n"
            "from rnakit.sirna.features import groups\n"
            "print(' '.join(groups(optional=True)))")
    assert _run(code).split() == EXPECTED_ORDER
