"""One test per criterion of each design rule, on hand-made sense sites; the group's columns against a
letter-by-letter reading of the papers' rules on random guides."""

import random
import re

import numpy as np
import pandas as pd
import pytest

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features import rules as rules_module
from rnakit.thermo.vienna import fold_mfe


def one_site(rule, site: str) -> dict[str, float]:
    """A rule's values for one site (the rules take many at once)."""
    return {name: float(column[0]) for name, column in rule([site]).items()}


def reynolds_criteria(site):
    return one_site(rules_module.reynolds_criteria, site)


def ui_tei_conditions(site):
    return one_site(rules_module.ui_tei_conditions, site)


def amarzguioui_score(site):
    return one_site(rules_module.amarzguioui_score, site)

#         position: 1234567890123456789
NEUTRAL = "CUCUCUCUCUCUCUCUCUU"  # GC 9/19 = 47 %, no A, no G


def with_base(site: str, position: int, base: str) -> str:
    return site[: position - 1] + base + site[position:]


def test_reynolds_gc_window():
    assert reynolds_criteria(NEUTRAL)["reynolds_gc_30_52"] == 1  # 47 %
    assert reynolds_criteria("GCGCGCGCGCGCGCGCGCG")["reynolds_gc_30_52"] == 0


def test_reynolds_au_count_at_15_to_19():
    site = NEUTRAL[:14] + "AUAUA"
    assert reynolds_criteria(site)["reynolds_au_15_19"] == 5
    assert reynolds_criteria(NEUTRAL)["reynolds_au_15_19"] == 3  # U at 16, 18 and 19


def test_reynolds_hairpin():
    assert reynolds_criteria(NEUTRAL)["reynolds_no_hairpin"] == 1
    assert reynolds_criteria("GGGGCCAAAAGGCCCCAAA")["reynolds_no_hairpin"] == 0  # GGGGCC…GGCCCC stem


@pytest.mark.parametrize(
    ("position", "base", "criterion", "value"),
    [(19, "A", "reynolds_a19", 1), (3, "A", "reynolds_a3", 1), (10, "U", "reynolds_u10", 1),
     (19, "G", "reynolds_gc19", -1), (19, "C", "reynolds_gc19", -1), (13, "G", "reynolds_g13", -1)],
)
def test_reynolds_positional_criteria(position, base, criterion, value):
    assert reynolds_criteria(with_base(NEUTRAL, position, base))[criterion] == value


def test_reynolds_score_is_the_sum():
    criteria = reynolds_criteria(NEUTRAL)
    assert criteria["reynolds_score"] == sum(v for k, v in criteria.items() if k != "reynolds_score")


def test_ui_tei_conditions_and_classes():
    class1 = "GCCAUCGCAUCGAUAUAUA"  # G at 1, A at 19, 7 A/U in 13–19, longest G/C run 3
    conditions = ui_tei_conditions(class1)
    assert conditions["ui_tei_guide5_au"] == 1 and conditions["ui_tei_sense5_gc"] == 1
    assert conditions["ui_tei_guide_au_rich"] == 1 and conditions["ui_tei_no_gc_stretch"] == 1
    assert conditions["ui_tei_class"] == 1
    class3 = "AUAUAUAUAUAUGCGCGCG"  # A at 1, G at 19, no A/U in 13–19
    assert ui_tei_conditions(class3)["ui_tei_class"] == 3
    stretch = "GCGCGCGCGCAUAUAUAUA"  # a 10-nt G/C run breaks condition 4 only
    assert ui_tei_conditions(stretch)["ui_tei_no_gc_stretch"] == 0
    assert ui_tei_conditions(stretch)["ui_tei_class"] == 2


def test_amarzguioui_terms():
    site = "GCUCUACUCUCUCUCUAUA"  # S1 G, A6, W19 A; 3' end AUA: 3 A/U, 5' end GCU: 1 → asymmetry +2
    score = amarzguioui_score(site)
    assert score["amarzguioui_asymmetry"] == 2
    assert (score["amarzguioui_s1"], score["amarzguioui_a6"], score["amarzguioui_w19"]) == (1, 1, 1)
    assert score["amarzguioui_score"] == 5
    bad = amarzguioui_score("UCUCUCUCUCUCUCUCUCG")
    assert bad["amarzguioui_u1"] == -1 and bad["amarzguioui_g19"] == -1


def rules_one_by_one(guide: str) -> dict[str, float]:
    """The three rules read letter by letter on the guide's sense site (as rnakit computed them per row)."""
    if len(guide) < 19:
        return {}
    sense = reverse_complement_rna(guide[:19])

    def au(first: int, last: int) -> float:
        return float(sum(base in "AU" for base in sense[first - 1 : last]))

    gc = (sense.count("G") + sense.count("C")) / len(sense)
    values = {"reynolds_gc_30_52": float(0.30 <= gc <= 0.52), "reynolds_au_15_19": au(15, 19),
              "reynolds_no_hairpin": float(fold_mfe(sense) > -2.0), "reynolds_a19": float(sense[18] == "A"),
              "reynolds_a3": float(sense[2] == "A"), "reynolds_u10": float(sense[9] == "U"),
              "reynolds_gc19": -1.0 if sense[18] in "GC" else 0.0, "reynolds_g13": -1.0 if sense[12] == "G" else 0.0}
    values["reynolds_score"] = sum(values.values())
    held = [sense[18] in "AU", sense[0] in "GC", au(13, 19) >= 4, re.search("[GC]{10,}", sense) is None]
    names = ["ui_tei_guide5_au", "ui_tei_sense5_gc", "ui_tei_guide_au_rich", "ui_tei_no_gc_stretch"]
    values.update({name: float(h) for name, h in zip(names, held)})
    values["ui_tei_class"] = 1.0 if all(held) else 3.0 if not any(held[:3]) else 2.0
    amarzguioui = {"amarzguioui_asymmetry": au(17, 19) - au(1, 3), "amarzguioui_s1": float(sense[0] in "GC"),
                   "amarzguioui_a6": float(sense[5] == "A"), "amarzguioui_w19": float(sense[18] in "AU"),
                   "amarzguioui_u1": -1.0 if sense[0] == "U" else 0.0, "amarzguioui_g19": -1.0 if sense[18] == "G" else 0.0}
    amarzguioui["amarzguioui_score"] = sum(amarzguioui.values())
    return {**values, **amarzguioui}


def test_group_equals_the_rules_read_one_guide_at_a_time():
    rng = random.Random(18)
    # random guides of 17–23 nt (short ones get NaN), G/C-rich ones (long G/C runs), odd letters kept as they are
    guides = ["".join(rng.choice("GC" if i % 5 == 0 else "ACGU") for _ in range(rng.choice((17, 19, 21, 21, 23))))
              for i in range(2000)] + ["ACGUNT" * 4, "acgu" * 6, "GCGCGCGCGCGCAUAUAUAUA"]
    table = pd.DataFrame({"guide": guides})
    got = rules_module.rules(table)
    expected = pd.DataFrame([rules_one_by_one(g) for g in guides], columns=got.columns, dtype=float)
    assert list(got.columns) == list(rules_one_by_one("A" * 21))
    assert np.array_equal(got.to_numpy(), expected.to_numpy(), equal_nan=True)
    known = ~np.isnan(expected.to_numpy())
    assert np.array_equal(np.signbit(got.to_numpy()[known]), np.signbit(expected.to_numpy()[known]))  # no -0.0
    assert got.iloc[:, 0].isna().sum() == sum(len(g) < 19 for g in guides) > 0


def test_a_site_of_another_length_is_refused():
    with pytest.raises(ValueError, match="19-nt"):
        rules_module.reynolds_criteria(["ACGU"])
