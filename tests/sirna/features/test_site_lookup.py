"""A long transcript's exact sites are looked up in a k-mer table: the same answers as scanning it."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.features.site import INDEXED_LENGTH, locate_rows
from rnakit.sirna.strands import locate_site


def test_site_lookup_in_a_long_transcript_equals_locate_site() -> None:
    rng = random.Random(5)
    repeat = "".join(rng.choice("ACGU") for _ in range(40))
    # Random sequence with a 40-nt repeat three times (the first occurrence must win) and a poly-A run.
    parts = ["".join(rng.choice("ACGU") for _ in range(900)), repeat, "A" * 60, repeat,
             "".join(rng.choice("ACGU") for _ in range(1500)), repeat]
    transcript = "".join(parts)
    assert len(transcript) >= INDEXED_LENGTH
    guides = [reverse_complement_rna(transcript[p : p + 21]) for p in range(0, len(transcript) - 21, 7)]
    mutated = [g[:10] + ("A" if g[10] != "A" else "C") + g[11:] for g in guides[:40]]  # one mismatch
    foreign = ["".join(rng.choice("ACGU") for _ in range(21)) for _ in range(20)]  # mostly absent
    swapped = [transcript[p : p + 21] for p in range(0, 200, 20)]  # the guide itself is in the transcript
    every = guides + mutated + foreign + swapped + ["ACGU"]
    table = pd.DataFrame({"guide": every, "transcript": transcript, "context": None})
    located = locate_rows(table)
    for guide, (_, row) in zip(every, located.iterrows()):
        expected = locate_site(guide, transcript)
        assert row["status"] == expected.status, guide
        assert (np.isnan(row["position"]) if expected.position is None else row["position"] == expected.position), guide
    assert {"exact", "mismatch", "absent", "swapped"} <= set(located["status"])
