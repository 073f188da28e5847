import math

import pandas as pd
import pytest

from rnakit.errors import ValueRangeError
from rnakit.sirna.conditions import concentration_to_nm, concentrations_to_nm, hours_from_text


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (250, "pM", 0.25),
        (1.5, "nM", 1.5),
        (2, "uM", 2000.0),
        (2, "µM", 2000.0),
        (0.001, "mM", 1000.0),
        ("50nM", None, 50.0),
        ("0.5 uM", None, 500.0),
        ("10", "nM", 10.0),
    ],
)
def test_concentrations_are_converted_to_nm(value, unit, expected):
    assert concentration_to_nm(value, unit) == pytest.approx(expected)


def test_missing_concentration_is_nan():
    assert math.isnan(concentration_to_nm(None, "nM"))
    assert math.isnan(concentration_to_nm(float("nan"), "nM"))


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (5, "ug/mL", "unknown concentration unit 'ug/mL'"),
        ("ten", "nM", "is not a number"),
        (-1, "nM", "negative"),
        (5, None, "has no unit"),
    ],
)
def test_bad_concentrations_are_errors_naming_the_place(value, unit, message):
    with pytest.raises(ValueRangeError, match=message) as info:
        concentration_to_nm(value, unit, file="x.csv", row=3, column="conc")
    assert "x.csv: row 3: column 'conc'" in str(info.value)


def test_vectorised_conversion_reports_the_first_bad_row():
    values = pd.Series([1, 2, 3])
    units = pd.Series(["nM", "nM", "furlongs"])
    with pytest.raises(ValueRangeError, match="row 3"):
        concentrations_to_nm(values, units, file="x.csv", column="conc")
    assert concentrations_to_nm(values, "uM", file=None, column="c").tolist() == [1000.0, 2000.0, 3000.0]


def test_hours_from_text():
    assert hours_from_text("48h") == 48.0
    assert hours_from_text(24) == 24.0
    assert math.isnan(hours_from_text(None))
    with pytest.raises(ValueRangeError, match="not a number of hours"):
        hours_from_text("two days")


@pytest.mark.parametrize(
    ("convert", "value"),
    [
        (lambda v: concentration_to_nm(v, "nM", file="x.csv", row=3, column="conc"), float("inf")),
        (lambda v: concentration_to_nm(v, "mM", file="x.csv", row=3, column="conc"), 1e305),  # 1e311 nM overflows
        (lambda v: concentration_to_nm(v, None, file="x.csv", row=3, column="conc"), "1e305 mM"),
        (lambda v: hours_from_text(v, file="x.csv", row=3, column="conc"), float("inf")),
        (lambda v: hours_from_text(v, file="x.csv", row=3, column="conc"), "1e999h"),
        (lambda v: hours_from_text(v, file="x.csv", row=3, column="conc"), "nan"),
    ],
)
def test_non_finite_conditions_are_errors_naming_the_place(convert, value):
    with pytest.raises(ValueRangeError, match="is not a finite number") as info:
        convert(value)
    assert str(info.value).startswith("x.csv: row 3: column 'conc': ")
