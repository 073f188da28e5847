"""The ``rules`` feature group: published siRNA design rules, each criterion a column.

All positions are on the 19-nt *sense* site (the target sequence the guide's 1–19 pair with),
numbered 5'→3' as the papers do; sense position 19 faces guide position 1.
"""

from __future__ import annotations

import re

import pandas as pd

from rnakit.seq.composition import gc_fraction
from rnakit.sirna.features.energy import sense_site
from rnakit.sirna.features.registry import feature_group, per_unique
from rnakit.thermo.vienna import fold_mfe

#: A sense strand folding below this MFE (kcal/mol) is taken to hold an internal repeat/hairpin.
HAIRPIN_MFE = -2.0


def reynolds_criteria(sense: str) -> dict[str, float]:
    """Reynolds et al. 2004 (Nat Biotechnol 22:326), eight criteria on the 19-nt sense site.

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
    criteria = {
        "reynolds_gc_30_52": float(0.30 <= gc_fraction(sense) <= 0.52),
        "reynolds_au_15_19": float(sum(base in "AU" for base in sense[14:19])),
        "reynolds_no_hairpin": float(fold_mfe(sense) > HAIRPIN_MFE),
        "reynolds_a19": float(sense[18] == "A"),
        "reynolds_a3": float(sense[2] == "A"),
        "reynolds_u10": float(sense[9] == "U"),
        "reynolds_gc19": -1.0 if sense[18] in "GC" else 0.0,
        "reynolds_g13": -1.0 if sense[12] == "G" else 0.0,
    }
    criteria["reynolds_score"] = sum(criteria.values())
    return criteria


def ui_tei_conditions(sense: str) -> dict[str, float]:
    """Ui-Tei et al. 2004 (Nucleic Acids Res 32:936), four conditions for a class I siRNA.

    1. A or U at the guide's 5' end (sense position 19).
    2. G or C at the sense 5' end (sense position 1).
    3. A/U-rich guide 5' third: at least 4 A/U in sense positions 13–19 (guide 1–7).
    4. No G/C stretch longer than 9 nt.
    Class 1 when all four hold, class 3 when conditions 1–3 all fail (the opposite pattern),
    else class 2.
    """
    conditions = [
        sense[18] in "AU",
        sense[0] in "GC",
        sum(base in "AU" for base in sense[12:19]) >= 4,
        re.search(r"[GC]{10,}", sense) is None,
    ]
    if all(conditions):
        klass = 1.0
    elif not any(conditions[:3]):
        klass = 3.0
    else:
        klass = 2.0
    names = ["ui_tei_guide5_au", "ui_tei_sense5_gc", "ui_tei_guide_au_rich", "ui_tei_no_gc_stretch"]
    return {**{n: float(c) for n, c in zip(names, conditions)}, "ui_tei_class": klass}


def amarzguioui_score(sense: str) -> dict[str, float]:
    """Amarzguioui & Prydz 2004 (BBRC 316:1050) on the 19-bp duplex, sense positions.

    Asymmetry: A/U count in the sense 3'-terminal 3 nt (17–19) minus that in its 5'-terminal 3 nt
    (1–3); +1 each for S1 (G/C at 1), A6 (A at 6) and W19 (A/U at 19); −1 each for U1 (U at 1)
    and G19 (G at 19). The score is their sum.
    """
    values = {
        "amarzguioui_asymmetry": float(sum(b in "AU" for b in sense[16:19]) - sum(b in "AU" for b in sense[0:3])),
        "amarzguioui_s1": float(sense[0] in "GC"),
        "amarzguioui_a6": float(sense[5] == "A"),
        "amarzguioui_w19": float(sense[18] in "AU"),
        "amarzguioui_u1": -1.0 if sense[0] == "U" else 0.0,
        "amarzguioui_g19": -1.0 if sense[18] == "G" else 0.0,
    }
    values["amarzguioui_score"] = sum(values.values())
    return values


def _all_rules(guide: str) -> dict[str, float]:
    if len(guide) < 19:
        return {}
    sense = sense_site(guide)
    return {**reynolds_criteria(sense), **ui_tei_conditions(sense), **amarzguioui_score(sense)}


@feature_group(
    "rules",
    "Reynolds 2004 score and its 8 criteria, Ui-Tei 2004 class and 4 conditions, Amarzguioui 2004 score",
    inputs=("guide",),
)
def rules(table: pd.DataFrame) -> pd.DataFrame:
    columns = list(_all_rules("A" * 19))
    return per_unique(table["guide"], _all_rules, columns)
