from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.strands import duplex_mismatches, locate_site, nearly_complementary
from tests.conftest import ANTISENSE, SENSE, TARGET_DNA

TARGET = TARGET_DNA.replace("T", "U")


def test_alnylam_21_23_duplex_pairs_fully():
    # Guide 1..21 faces passenger 21..1; the guide's 2-nt 3' overhang is unpaired.
    assert duplex_mismatches(ANTISENSE, SENSE) == (0, 21)
    assert nearly_complementary(ANTISENSE, SENSE)


def test_gu_wobble_counts_as_paired_and_a_mismatch_does_not():
    guide = "UUCGAAGUACUCAGCGUAAGU"
    passenger = reverse_complement_rna(guide)
    wobble = passenger[:5] + "U" + passenger[6:]  # passenger C→U opposite a guide G: G·U
    assert guide[len(guide) - 6] == "G"
    assert duplex_mismatches(guide, wobble)[0] == 0
    broken = passenger[:5] + "A" + passenger[6:]
    assert duplex_mismatches(guide, broken)[0] == 1


def test_unrelated_strands_are_not_complementary():
    assert not nearly_complementary("A" * 21, "C" * 21)


def test_site_is_found_exactly_with_mismatches_swapped_or_absent():
    site = locate_site(ANTISENSE, TARGET)
    assert site.status == "exact" and site.position == TARGET.find(reverse_complement_rna(ANTISENSE[:19]))
    # Guide position 1 is not part of the site: changing it keeps an exact match.
    assert locate_site("C" + ANTISENSE[1:], TARGET).status == "exact"
    one_off = ANTISENSE[:9] + ("A" if ANTISENSE[9] != "A" else "C") + ANTISENSE[10:]
    assert locate_site(one_off, TARGET) .status == "mismatch"
    assert locate_site(SENSE, TARGET).status == "swapped"
    assert locate_site("ACGUACGUACGUACGUACGUA", TARGET).status == "absent"
