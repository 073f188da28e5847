"""The target group's per-row columns, computed for many rows at once, against their one-row definitions."""

import math

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.seq.composition import gc_fraction
from rnakit.sirna.features.site import SITE_LENGTH, locate_rows
from rnakit.sirna.features.target import FLANK_GC, target
from rnakit.sirna.schema import canonical_frame

RNG = np.random.default_rng(7)
TRANSCRIPT = "".join(RNG.choice(list("ACGU"), 140))
CONTEXT = "".join(RNG.choice(list("ACGU"), 60))


def guide_at(sequence: str, position: int) -> str:
    return reverse_complement_rna(sequence[position : position + SITE_LENGTH]) + "UU"


def table() -> pd.DataFrame:
    # Sites at both ends of the transcript (flanks cut short), in the middle, in a context window only,
    # a guide found nowhere and a row without any target sequence.
    positions = [0, 5, 60, len(TRANSCRIPT) - SITE_LENGTH - 3, len(TRANSCRIPT) - SITE_LENGTH]
    rows = {"guide": [guide_at(TRANSCRIPT, p) for p in positions], "transcript": [TRANSCRIPT] * len(positions),
            "context": [None] * len(positions)}
    for guide, transcript, context in [(guide_at(CONTEXT, 30), None, CONTEXT), ("A" * 21, TRANSCRIPT, None),
                                       ("C" * 21, None, None)]:
        rows["guide"].append(guide)
        rows["transcript"].append(transcript)
        rows["context"].append(context)
    return canonical_frame({"id": [str(i) for i in range(len(rows["guide"]))], **rows}, len(rows["guide"]))


def test_many_rows_give_each_row_its_own_definition():
    frame = target(table())
    for i, reference in enumerate([TRANSCRIPT] * 5 + [CONTEXT]):
        p = int(frame["site_position"].iloc[i])
        assert reference[p : p + SITE_LENGTH] == reverse_complement_rna(table()["guide"].iloc[i][:SITE_LENGTH])
        assert frame["site_relative_position"].iloc[i] == p / len(reference)
        expected5 = gc_fraction(reference[max(0, p - FLANK_GC) : p])
        expected3 = gc_fraction(reference[p + SITE_LENGTH : p + SITE_LENGTH + FLANK_GC])
        for got, expected in ((frame["flank5_gc"].iloc[i], expected5), (frame["flank3_gc"].iloc[i], expected3)):
            assert (math.isnan(got) and math.isnan(expected)) or got == expected  # equal, not approximately
        assert 0 <= frame["site_unpaired"].iloc[i] <= frame["seed_unpaired"].iloc[i] <= 1
    assert math.isnan(frame["flank5_gc"].iloc[0]) and math.isnan(frame["flank3_gc"].iloc[4])  # nothing beyond the ends
    assert math.isnan(frame["distance_to_start_codon"].iloc[5])  # a context window has no start codon
    assert frame["site_found"].iloc[6] == 0 and frame.iloc[6].drop("site_found").isna().all()
    assert frame.iloc[7].isna().all()


def test_locating_a_changed_table_of_the_same_shape_gives_its_own_sites():
    first = table()
    assert locate_rows(first)["position"].iloc[1] == 5
    second = first.copy()
    second["guide"] = [guide_at(TRANSCRIPT, 7)] + list(second["guide"].iloc[1:])
    assert locate_rows(second)["position"].iloc[0] == 7
    assert locate_rows(first)["position"].iloc[0] == 0
