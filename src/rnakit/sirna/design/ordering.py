"""order.tsv: both strands of each pick, modified as the pattern says, in two notations.

``competition`` is the SAIS 2024 token list (space-separated, as its ``*_seq_list`` columns and
``--modification-pattern`` spell it). ``idt`` is Integrated DNA Technologies' oligo notation: ``rN``
ribonucleotide, ``mN`` 2'-O-methyl, ``/52FN/`` ``/i2FN/`` ``/32FN/`` 2'-fluoro at the 5' end,
inside and at the 3' end, a bare ``A C G T`` DNA (so dTdT is ``TT``), ``*`` after a nucleotide
a phosphorothioate link to the next, ``/5Phos/`` a 5'-phosphate. The vendor has no standard code
for the other chemistries (vinyl-phosphonate, GalNAc L96, GNA, 2'-phosphate, 2'-O-hexadecyl,
2'-OMe-5-methyl-U): they are written as the competition token in braces, e.g. ``{L96}``, for
quoting as a custom modification.
"""

from __future__ import annotations

import pandas as pd

from rnakit.sirna.design.patterns import StrandPattern, parse_pattern
from rnakit.sirna.modifications import MOD_TOKENS, bases_of

_IDT_SUGAR = {"ribose": "r", "2'-OMe": "m"}


def idt_notation(tokens: tuple[str, ...]) -> str:
    """One strand's competition tokens (5'→3') in IDT's notation (see the module's note)."""
    nucleotides = [i for i, t in enumerate(tokens) if MOD_TOKENS[t].kind == "nucleotide"]
    first, last = (nucleotides[0], nucleotides[-1]) if nucleotides else (-1, -1)
    out = []
    for i, token in enumerate(tokens):
        meaning = MOD_TOKENS[token]
        if token == "s":
            out.append("*")
        elif token == "P" and i == 0:
            out.append("/5Phos/")
        elif meaning.kind != "nucleotide" or token == "t":
            out.append(f"{{{token}}}")
        elif meaning.sugar in _IDT_SUGAR:
            out.append(_IDT_SUGAR[meaning.sugar] + meaning.base)
        elif meaning.sugar == "2'-F":
            out.append(f"/{'5' if i == first else '3' if i == last else 'i'}2F{meaning.base}/")
        elif meaning.sugar == "DNA":
            out.append("T" if meaning.base == "U" else meaning.base)
        else:
            out.append(f"{{{token}}}")
    return "".join(out)


def order_table(top: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Two rows per pick (guide, then passenger), best pick first: ``name``, ``rank``, ``candidate``,
    ``strand``, ``nt``, ``sequence`` (5'→3', RNA letters; a DNA T shows as U), ``competition``, ``idt``.
    A pattern without a passenger part leaves the passenger unmodified (plain ribonucleotides)."""
    guide_pattern, passenger_pattern = parse_pattern(pattern)
    rows = []
    for pick in top.itertuples():
        for strand, sequence, strand_pattern in (("guide", pick.guide, guide_pattern),
                                                 ("passenger", pick.passenger, passenger_pattern)):
            tokens = (strand_pattern or StrandPattern(("N",) * len(sequence))).apply(sequence)
            rows.append({"name": f"{pick.candidate}_{strand}", "rank": pick.rank, "candidate": pick.candidate,
                         "strand": strand, "nt": len(sequence), "sequence": bases_of(tokens),
                         "competition": " ".join(tokens), "idt": idt_notation(tokens)})
    return pd.DataFrame(rows, columns=["name", "rank", "candidate", "strand", "nt", "sequence", "competition", "idt"])
