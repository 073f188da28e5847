import math

import pytest

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features.energy import thermo
from rnakit.sirna.features.target import target
from rnakit.sirna.schema import canonical_frame
from rnakit.thermo.nearest_neighbor import stack_energies
from tests.conftest import ANTISENSE, SENSE, TARGET_DNA

TARGET = TARGET_DNA.replace("T", "U")


def one_row(**columns):
    return canonical_frame({"id": ["1"], **{k: [v] for k, v in columns.items()}}, 1)


def test_asymmetry_is_guide_end_minus_passenger_end():
    frame = thermo(one_row(guide=ANTISENSE, passenger=SENSE, transcript=TARGET))
    stacks = stack_energies(ANTISENSE[:19])
    assert frame["end_asymmetry"].iloc[0] == pytest.approx(sum(stacks[:3]) - sum(stacks[-3:]))
    assert frame["nn_step_1"].iloc[0] == stacks[0]
    assert frame["duplex_mfe"].iloc[0] < -25  # a 21-bp duplex is very stable
    assert frame["target_mfe"].iloc[0] < -25
    assert 0 < frame["seed_tm"].iloc[0] < 60


def test_no_passenger_or_target_gives_nan_not_zero():
    frame = thermo(one_row(guide=ANTISENSE))
    assert math.isnan(frame["duplex_mfe"].iloc[0]) and math.isnan(frame["target_mfe"].iloc[0])
    assert not math.isnan(frame["nn_total"].iloc[0])


def transcript_with_orf() -> tuple[str, str, int]:
    # 30 nt 5'UTR, AUG + 40 codons + UAA, 60 nt 3'UTR; the site lies in the CDS at 60.
    utr5 = "GCGCAUACGCGCAUACGCGCAUACGCGCAU"
    cds = "AUG" + "GCUCCAGAUCUGGAAACCGUUGGCUCCAUUCCAGAUCUGG"[:39] * 3 + "GCUCCAGAUCUGGAAACCGUUGGCUCCAUUCCAG"[:3] + "UAA"
    utr3 = "CCCUUUGGGAAACCCUUUGGGAAACCCUUUGGGAAACCCUUUGGGAAACCCUUUGGGAAA"
    transcript = utr5 + cds + utr3
    position = 60
    guide = reverse_complement_rna(transcript[position : position + 19]) + "UU"
    return transcript, guide, position


def test_site_region_and_accessibility():
    transcript, guide, position = transcript_with_orf()
    assert "UAA" not in [transcript[i:i + 3] for i in range(30, position + 19, 3)]
    row = target(one_row(guide=guide, transcript=transcript)).iloc[0]
    assert row["site_found"] == 1 and row["site_exact"] == 1 and row["site_mismatches"] == 0
    assert row["site_position"] == position
    assert row["distance_to_start_codon"] == position - 30
    assert (row["region_5utr"], row["region_cds"], row["region_3utr"]) == (0, 1, 0)
    assert 0 <= row["site_unpaired"] <= row["seed_unpaired"] <= 1  # fewer nt unpaired is likelier


def test_mismatched_site_and_context_only_and_missing_target():
    transcript, guide, position = transcript_with_orf()
    changed = guide[:9] + ("A" if guide[9] != "A" else "C") + guide[10:]
    mismatched = target(one_row(guide=changed, transcript=transcript)).iloc[0]
    assert mismatched["site_exact"] == 0 and mismatched["site_mismatches"] == 1
    context = transcript[position - 19 : position + 38]
    windowed = target(one_row(guide=guide, context=context)).iloc[0]
    assert windowed["site_position"] == 19 and math.isnan(windowed["distance_to_start_codon"])
    nothing = target(one_row(guide=guide)).iloc[0]
    assert nothing.isna().all()
    absent = target(one_row(guide="A" * 21, transcript=transcript)).iloc[0]
    assert absent["site_found"] == 0 and math.isnan(absent["site_position"])
