"""The ``rules`` feature group: published siRNA design rules, each criterion a column.

All positions are on the 19-nt *sense* site (the target sequence the guide's 1–19 pair with),
numbered 5'→3' as the papers do; sense position 19 faces guide position 1. Each rule takes many sites
at once (a design scores thousands): one array of letters, one column per position.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rnakit.sirna.features.energy import CORE, sense_site
from rnakit.sirna.features.registry import feature_group, per_unique_bulk
from rnakit.thermo.vienna import fold_mfe

#: A sense strand folding below this MFE (kcal/mol) is taken to hold an internal repeat/hairpin.
HAIRPIN_MFE = -2.0
GC_STRETCH = 10  # Ui-Tei's condition 4: no G/C run this long


def site_letters(sites: Sequence[str]) -> np.ndarray:
    """The 19-nt sites as one array of letters (rows × 19 Unicode code points)."""
    for site in sites:
        if len(site) != CORE:
            raise ValueError(f"design rules are stated on {CORE}-nt sense sites, not {len(site)} nt ({site!r})")
    return np.array(list(sites), dtype=f"U{CORE}").view(np.uint32).reshape(len(sites), CORE)


def _at(letters: np.ndarray, position: int, bases: str) -> np.ndarray:
    """1.0 where the (1-based) position holds one of ``bases``, else 0.0."""
    return np.isin(letters[:, position - 1], [ord(base) for base in bases]).astype(float)


def _penalty(letters: np.ndarray, position: int, bases: str) -> np.ndarray:
    """-1.0 where the (1-based) position holds one of ``bases``, else 0.0."""
    return np.where(_at(letters, position, bases) > 0, -1.0, 0.0)


def _count(letters: np.ndarray, first: int, last: int, bases: str) -> np.ndarray:
    """How many of positions first..last (1-based, inclusive) hold one of ``bases`` (as floats)."""
    return np.isin(letters[:, first - 1 : last], [ord(base) for base in bases]).sum(axis=1).astype(float)


def reynolds_criteria(sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Reynolds et al. 2004 (Nat Biotechnol 22:326), eight criteria on each 19-nt sense site.

    1. GC content 30–52 % (+1).
    2. A/U at sense positions 15–19: +1 for each (up to +5).
    3. No internal repeat: +1 when the sense strand's self-fold MFE is above HAIRPIN_MFE
       (the paper's Tm < 20 °C hairpin criterion, approximated with ViennaRNA).
    4. A at position 19 (+1).
    5. A at position 3 (+1).
    6. U at position 10 (+1).
    7. G or C at position 19 (−1).
    8. G at position 13 (−1).
    """
    letters = site_letters(sites)
    gc = _count(letters, 1, CORE, "GC") / CORE
    criteria = {
        "reynolds_gc_30_52": ((0.30 <= gc) & (gc <= 0.52)).astype(float),
        "reynolds_au_15_19": _count(letters, 15, 19, "AU"),
        "reynolds_no_hairpin": np.array([fold_mfe(site) > HAIRPIN_MFE for site in sites], dtype=float),
        "reynolds_a19": _at(letters, 19, "A"),
        "reynolds_a3": _at(letters, 3, "A"),
        "reynolds_u10": _at(letters, 10, "U"),
        "reynolds_gc19": _penalty(letters, 19, "GC"),
        "reynolds_g13": _penalty(letters, 13, "G"),
    }
    criteria["reynolds_score"] = np.sum(list(criteria.values()), axis=0)
    return criteria


def ui_tei_conditions(sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Ui-Tei et al. 2004 (Nucleic Acids Res 32:936), four conditions for a class I siRNA.

    1. A or U at the guide's 5' end (sense position 19).
    2. G or C at the sense 5' end (sense position 1).
    3. A/U-rich guide 5' third: at least 4 A/U in sense positions 13–19 (guide 1–7).
    4. No G/C stretch longer than 9 nt.
    Class 1 when all four hold, class 3 when conditions 1–3 all fail (the opposite pattern),
    else class 2.
    """
    letters = site_letters(sites)
    gc = np.isin(letters, [ord("G"), ord("C")])
    run, longest = np.zeros(len(letters), dtype=int), np.zeros(len(letters), dtype=int)
    for column in gc.T:  # the longest G/C run of each site
        run = np.where(column, run + 1, 0)
        np.maximum(longest, run, out=longest)
    conditions = {
        "ui_tei_guide5_au": _at(letters, 19, "AU"),
        "ui_tei_sense5_gc": _at(letters, 1, "GC"),
        "ui_tei_guide_au_rich": (_count(letters, 13, 19, "AU") >= 4).astype(float),
        "ui_tei_no_gc_stretch": (longest < GC_STRETCH).astype(float),
    }
    held = np.array(list(conditions.values()), dtype=bool)
    conditions["ui_tei_class"] = np.where(held.all(axis=0), 1.0, np.where(held[:3].any(axis=0), 2.0, 3.0))
    return conditions


def amarzguioui_score(sites: Sequence[str]) -> dict[str, np.ndarray]:
    """Amarzguioui & Prydz 2004 (BBRC 316:1050) on each 19-bp duplex, sense positions.

    Asymmetry: A/U count in the sense 3'-terminal 3 nt (17–19) minus that in its 5'-terminal 3 nt
    (1–3); +1 each for S1 (G/C at 1), A6 (A at 6) and W19 (A/U at 19); −1 each for U1 (U at 1)
    and G19 (G at 19). The score is their sum.
    """
    letters = site_letters(sites)
    values = {
        "amarzguioui_asymmetry": _count(letters, 17, 19, "AU") - _count(letters, 1, 3, "AU"),
        "amarzguioui_s1": _at(letters, 1, "GC"),
        "amarzguioui_a6": _at(letters, 6, "A"),
        "amarzguioui_w19": _at(letters, 19, "AU"),
        "amarzguioui_u1": _penalty(letters, 1, "U"),
        "amarzguioui_g19": _penalty(letters, 19, "G"),
    }
    values["amarzguioui_score"] = np.sum(list(values.values()), axis=0)
    return values


RULES = (reynolds_criteria, ui_tei_conditions, amarzguioui_score)


@functools.cache
def columns() -> list[str]:
    """The group's columns, in order (each rule's, as it names them)."""
    return [name for rule in RULES for name in rule(["A" * CORE])]


def _all_rules(guides: list[str]) -> dict[str, np.ndarray]:
    """Every rule's columns for each guide (NaN for a guide shorter than the 19-nt core)."""
    long_enough = np.array([len(guide) >= CORE for guide in guides], dtype=bool)
    sites = [sense_site(guide) for guide, ok in zip(guides, long_enough) if ok]
    values = {name: np.full(len(guides), np.nan) for name in columns()}
    for rule in RULES:
        for name, column in rule(sites).items():
            values[name][long_enough] = column
    return values


@feature_group(
    "rules",
    "Reynolds 2004 score and its 8 criteria, Ui-Tei 2004 class and 4 conditions, Amarzguioui 2004 score",
    inputs=("guide",),
)
def rules(table: pd.DataFrame) -> pd.DataFrame:
    return per_unique_bulk(table["guide"], _all_rules, columns())
