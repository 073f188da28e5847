"""The ``modifications`` feature group, from the competition's modification tokens."""

from __future__ import annotations

import pandas as pd

from rnakit.sirna.features.registry import feature_group
from rnakit.sirna.modifications import MOD_TOKENS

#: Sugar classes reported per position; GNA, 2'-phosphate and 2'-O-hexadecyl count as "other".
CLASSES = {"ribose": "unmod", "2'-OMe": "ome", "2'-F": "f", "DNA": "dna"}
CLASS_NAMES = ["unmod", "ome", "f", "dna", "other"]
POSITIONS = 23
TERMINAL_LINKS = 3


def _strand_features(tokens: tuple[str, ...] | None, strand: str, length: int) -> dict[str, float]:
    if tokens is None:  # no list given: an unmodified strand of the sequence's length
        tokens = tuple("A" * length)
    sugars: list[str] = []
    links: list[bool] = []  # links[i]: phosphorothioate between nucleotides i+1 and i+2
    five_prime = {"VP": 0.0, "P": 0.0}
    conjugates = {"L96": 0.0, "lipid": 0.0}
    for token in tokens:
        info = MOD_TOKENS.get(token)
        if info is None:  # a token kept with --allow-unknown-mods: count it as "other"
            sugars.append("other")
            links.append(False)
        elif info.kind == "nucleotide":
            sugars.append(CLASSES.get(info.sugar, "other"))
            if info.sugar == "2'-O-hexadecyl":
                conjugates["lipid"] += 1
            links.append(False)
        elif info.kind == "linkage" and links:
            links[-1] = True
        elif info.kind == "terminal" and not sugars:
            five_prime[token] = 1.0
        elif info.kind == "conjugate":
            conjugates[token] = 1.0
    links = links[:-1]  # no link after the last nucleotide
    n = len(sugars)
    values: dict[str, float] = {}
    for position in range(1, POSITIONS + 1):
        sugar = sugars[position - 1] if position <= n else None
        for name in CLASS_NAMES:
            values[f"{strand}_p{position}_{name}"] = float(sugar == name)
    values[f"{strand}_ps_5prime"] = float(sum(links[:TERMINAL_LINKS]))
    values[f"{strand}_ps_3prime"] = float(sum(links[-TERMINAL_LINKS:])) if links else 0.0
    values[f"{strand}_ps_total"] = float(sum(links))
    values[f"{strand}_5prime_vp"] = five_prime["VP"]
    values[f"{strand}_5prime_phosphate"] = five_prime["P"]
    values[f"{strand}_galnac"] = conjugates["L96"]
    values[f"{strand}_lipid_nt"] = conjugates["lipid"]
    for name in ("ome", "f", "dna", "other"):
        values[f"{strand}_frac_{name}"] = sum(s == name for s in sugars) / n if n else float("nan")
    return values


@feature_group(
    "modifications",
    "per-position sugar class (unmodified, 2'-OMe, 2'-F, DNA, other) of each strand, phosphorothioates "
    "per end, 5' vinyl-phosphonate/phosphate, GalNAc and lipid conjugates, modified fractions",
    inputs=("guide", "passenger", "guide_mods", "passenger_mods"),
)
def modifications(table: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for strand in ("guide", "passenger"):
        cache: dict[tuple, dict[str, float]] = {}
        rows = []
        for tokens, sequence in zip(table[f"{strand}_mods"], table[strand]):
            length = len(sequence) if isinstance(sequence, str) else 0
            key = (tokens, length)
            if key not in cache:
                cache[key] = _strand_features(tokens, strand, length)
            rows.append(cache[key])
        parts.append(pd.DataFrame(rows, index=table.index, dtype="float64"))
    return pd.concat(parts, axis=1)
