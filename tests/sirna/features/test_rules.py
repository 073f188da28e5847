"""One test per criterion of each design rule, on hand-made sense sites."""

import pytest

from rnakit.sirna.features.rules import amarzguioui_score, reynolds_criteria, ui_tei_conditions

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
