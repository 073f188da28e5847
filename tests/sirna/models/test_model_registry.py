import inspect
import subprocess
import sys

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from rnakit.errors import ValueRangeError
from rnakit.sirna.models.protocol import EfficacyModel
from rnakit.sirna.models.registry import MODELS, model_class


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_is_an_efficacy_model_and_refuses_to_predict_unfitted(name):
    estimator = model_class(name)
    assert isinstance(estimator.uses_features, bool)
    assert isinstance(estimator.table_columns, tuple) and all(isinstance(c, str) for c in estimator.table_columns)
    assert isinstance(inspect.getattr_static(estimator, "load"), classmethod)
    model = estimator(n_jobs=1)
    assert isinstance(model, EfficacyModel)
    assert clone(model).get_params() == model.get_params()  # a plain scikit-learn estimator: clone copies it
    with pytest.raises(NotFittedError):
        model.predict(pd.DataFrame({"guide": ["ACGUACGUACGUACGUACGUA"]}))


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ValueRangeError, match="known: lgbm"):
        model_class("xgboost")


def test_the_command_line_starts_without_the_model_libraries():
    # Loading PyTorch and LightGBM took seconds off every `rnakit` start, models or not.
    code = "import sys, rnakit.cli; print(sorted(m for m in ('torch', 'lightgbm') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
