"""Experimental conditions: concentrations in nM and durations in hours."""

from __future__ import annotations

import math
import re

import pandas as pd

from rnakit.errors import ValueRangeError

#: Molar units → factor to nM. Mass units (µg/mL) are not here: they need a molecular weight.
CONCENTRATION_TO_NM: dict[str, float] = {
    "pm": 1e-3,
    "nm": 1.0,
    "um": 1e3,
    "µm": 1e3,
    "μm": 1e3,  # Greek mu as well as the micro sign
    "mm": 1e6,
}

_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*?)?\s*$")


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _shown(value: object) -> str:
    """A value as the user wrote it: text quoted, numbers bare (``inf``, not ``np.float64(inf)``)."""
    return repr(value) if isinstance(value, str) else str(value)


def finite(
    number: float, shown: str, *, file: str | None = None, row: int | str | None = None, column: str | None = None
) -> float:
    """``number`` unchanged when it is finite; NaN or ±infinity (typed as ``inf`` or ``1e999``, or out of
    range once scaled, as 1e305 mM is in nM) raise ValueRangeError naming where, with ``shown``: the value
    as the user gave it. A model given infinity predicts something, so it must be refused here."""
    if not math.isfinite(number):
        raise ValueRangeError(f"{shown} is not a finite number", file=file, row=row, column=column)
    return number


def check_condition_options(conc_nm: float, hours: float, names: tuple[str, str]) -> None:
    """Concentration (nM) and hours given as options (CLI, web form, JSON API) are finite and ≥ 0;
    errors name the option as ``names`` spell it."""
    for name, value in zip(names, (conc_nm, hours)):
        finite(value, str(value), column=name)
        if value < 0:
            raise ValueRangeError(f"{value} must be ≥ 0", column=name)


def concentration_to_nm(
    value: object,
    unit: str | None = None,
    *,
    file: str | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> float:
    """Convert a concentration to nM.

    ``value`` is a number, or text with its unit attached (``"50nM"``, ``"0.5 uM"``); ``unit``
    is used when the value carries none. Missing values give NaN. Unknown units, non-numeric
    and negative values raise ValueRangeError naming file, row and column.
    """
    if _missing(value):
        return math.nan
    text_unit = None
    if isinstance(value, str):
        if not value.strip():
            return math.nan
        match = _NUMBER_WITH_UNIT.match(value)
        if match is None:
            raise ValueRangeError(
                f"concentration {value!r} is not a number", file=file, row=row, column=column
            )
        number = float(match.group(1))
        text_unit = match.group(2)
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueRangeError(
                f"concentration {value!r} is not a number", file=file, row=row, column=column
            ) from None
    if math.isnan(number):
        return math.nan
    if number < 0:
        raise ValueRangeError(
            f"concentration {number:g} is negative", file=file, row=row, column=column
        )
    chosen = text_unit or unit
    if _missing(chosen):
        raise ValueRangeError(
            f"concentration {value!r} has no unit (expected pM, nM, uM/µM or mM)",
            file=file, row=row, column=column,
        )
    factor = CONCENTRATION_TO_NM.get(str(chosen).strip().lower())
    if factor is None:
        raise ValueRangeError(
            f"unknown concentration unit {chosen!r} (expected pM, nM, uM/µM or mM)",
            file=file, row=row, column=column,
        )
    return finite(number * factor, f"concentration {_shown(value)}", file=file, row=row, column=column)


def hours_from_text(
    value: object,
    *,
    file: str | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> float:
    """Parse a duration in hours from a number or text such as ``"48h"``; missing → NaN."""
    if _missing(value):
        return math.nan
    text = str(value).strip().lower()
    if not text:
        return math.nan
    if text.endswith("h"):
        text = text[:-1].strip()
    try:
        hours = float(text)
    except ValueError:
        raise ValueRangeError(
            f"duration {value!r} is not a number of hours", file=file, row=row, column=column
        ) from None
    finite(hours, f"duration {_shown(value)}", file=file, row=row, column=column)
    if hours < 0:
        raise ValueRangeError(f"duration {hours:g} h is negative", file=file, row=row, column=column)
    return hours


def concentrations_to_nm(
    values: pd.Series, units: pd.Series | str | None, *, file: str | None, column: str
) -> pd.Series:
    """Vectorised :func:`concentration_to_nm` over a column; each distinct (value, unit) is parsed once.

    Errors name the 1-based data row where the offending pair first occurs.
    """
    unit_series = units if isinstance(units, pd.Series) else pd.Series([units] * len(values), index=values.index)
    pairs = pd.DataFrame({"value": values.astype("object"), "unit": unit_series.astype("object")})
    converted: dict[tuple, float] = {}
    out = []
    for position, (value, unit) in enumerate(pairs.itertuples(index=False, name=None), start=1):
        key = (repr(value), repr(unit))
        if key not in converted:
            converted[key] = concentration_to_nm(value, unit, file=file, row=position, column=column)
        out.append(converted[key])
    return pd.Series(out, index=values.index, dtype="float64")


def hours_column(values: pd.Series, *, file: str | None, column: str) -> pd.Series:
    """Vectorised :func:`hours_from_text`; errors name the 1-based data row of the first bad value."""
    parsed: dict[str, float] = {}
    out = []
    for position, value in enumerate(values.tolist(), start=1):
        key = repr(value)
        if key not in parsed:
            parsed[key] = hours_from_text(value, file=file, row=position, column=column)
        out.append(parsed[key])
    return pd.Series(out, index=values.index, dtype="float64")
