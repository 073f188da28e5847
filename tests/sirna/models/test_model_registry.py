import subprocess
import sys

import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.models.registry import MODELS, model_class


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_name_resolves_to_an_estimator(name):
    estimator = model_class(name)
    assert callable(getattr(estimator, "fit")) and callable(getattr(estimator, "load"))


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ValueRangeError, match="known: lgbm"):
        model_class("xgboost")


def test_the_command_line_starts_without_the_model_libraries():
    # Loading PyTorch and LightGBM took seconds off every `rnakit` start, models or not.
    code = "import sys, rnakit.cli; print(sorted(m for m in ('torch', 'lightgbm') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
