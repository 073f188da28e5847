"""Modification patterns: a strand's chemistry written once, applied to any sequence.

A pattern is the competition's token notation with ``N`` standing for whichever base the strand
has at that position: ``N`` ribose, ``n`` 2'-O-methyl, ``Nf`` 2'-fluoro, ``dN`` DNA, ``(Ngn)``
GNA, ``(N2p)`` 2'-phosphate, ``(Nhd)`` 2'-O-hexadecyl; other tokens (``s``, ``P``, ``VP``,
``L96``) are copied as they are. Guide and passenger patterns are separated by ``;``, e.g.
``VP n s Nf s n Nf … ; n s n s Nf … L96``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnakit.errors import ValueRangeError
from rnakit.sirna.modifications import MOD_TOKENS

_SPELL = {
    "N": lambda b: b,
    "n": lambda b: b.lower(),
    "Nf": lambda b: f"{b}f",
    "dN": lambda b: "dT" if b == "U" else f"d{b}",
    "(Ngn)": lambda b: f"({'T' if b == 'U' else b}gn)",
    "(N2p)": lambda b: f"({b}2p)",
    "(Nhd)": lambda b: f"({b}hd)",
}
_LITERAL = {token for token, meaning in MOD_TOKENS.items() if meaning.base is None}


@dataclass(frozen=True)
class StrandPattern:
    tokens: tuple[str, ...]

    @property
    def nucleotides(self) -> int:
        return sum(t in _SPELL for t in self.tokens)

    def apply(self, sequence: str) -> tuple[str, ...]:
        """The strand's competition tokens; its length must equal the pattern's nucleotide count."""
        if len(sequence) != self.nucleotides:
            raise ValueRangeError(f"pattern has {self.nucleotides} nucleotides but the strand has {len(sequence)}",
                                  column="--pattern")
        bases = iter(sequence)
        return tuple(_SPELL[t](next(bases)) if t in _SPELL else t for t in self.tokens)


def _strand(text: str, which: str) -> StrandPattern:
    tokens = tuple(text.split())
    if not tokens:
        raise ValueRangeError(f"the {which} pattern is empty", column="--pattern")
    for position, token in enumerate(tokens, start=1):
        if token not in _SPELL and token not in _LITERAL:
            raise ValueRangeError(
                f"{which} pattern token {position} {token!r} is neither a nucleotide form "
                f"({', '.join(_SPELL)}) nor a link/cap ({', '.join(sorted(_LITERAL))})", column="--pattern")
    return StrandPattern(tokens)


def parse_pattern(text: str) -> tuple[StrandPattern, StrandPattern | None]:
    """(guide pattern, passenger pattern or None) from ``'GUIDE ; PASSENGER'``."""
    parts = text.split(";")
    if len(parts) > 2:
        raise ValueRangeError("a pattern has at most two parts, guide ; passenger", column="--pattern")
    guide = _strand(parts[0], "guide")
    passenger = _strand(parts[1], "passenger") if len(parts) == 2 else None
    return guide, passenger
