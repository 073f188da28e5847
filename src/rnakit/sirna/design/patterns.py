"""Modification patterns: a strand's chemistry written once, applied to any sequence.

A pattern is the competition's token notation with ``N`` standing for whichever base the strand
has at that position: ``N`` ribose, ``n`` 2'-O-methyl, ``Nf`` 2'-fluoro, ``dN`` DNA, ``(Ngn)``
GNA, ``(N2p)`` 2'-phosphate, ``(Nhd)`` 2'-O-hexadecyl; a nucleotide token of the vocabulary
itself (``dT``, ``u``, ``Af`` …) puts that nucleotide at its position whatever the strand's base
there, as dTdT overhangs do; other tokens (``s``, ``P``, ``VP``, ``L96``) are copied as they are.
Guide and passenger patterns are separated by ``;``, e.g. ``VP n s Nf s n Nf … ; n s n s Nf … L96``.
A pattern may also be given by one of the names in :data:`NAMED_PATTERNS`.
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
_FIXED = {token for token, meaning in MOD_TOKENS.items() if meaning.base is not None}

# The most common pattern of the SAIS 2024 training file (1,454 of its 7,696 distinct duplexes, 23/21 nt):
# Alnylam's ESC layout of 2'-OMe and 2'-F with GalNAc (L96). The file writes almost no linkages.
_ESC_GUIDE = "n Nf n n n Nf n Nf Nf n n n n Nf n Nf n n n n n n n"
_ESC_PASSENGER = "n n n n n n Nf n Nf Nf Nf n n n n n n n n n n L96"

#: Named patterns (``--modification-pattern NAME``): guide ; passenger.
NAMED_PATTERNS: dict[str, str] = {
    # 19 ribonucleotides + dTdT 3' overhangs on both strands (Elbashir et al. 2001): with the default
    # 21-nt layout and 2-nt overhangs the duplex is 19 bp.
    "unmodified-dTdT": f"{' '.join(['N'] * 19)} dT dT ; {' '.join(['N'] * 19)} dT dT",
    # ESC as the competition data writes it (no phosphorothioates): a 23-nt guide, a 21-nt passenger.
    "esc-sais": f"{_ESC_GUIDE} ; {_ESC_PASSENGER}",
    # The same sugars with ESC's phosphorothioates (Nair et al. 2014, J Am Chem Soc 136:16958): the
    # first two links of both strands and the last two of the guide.
    "esc": ("n s Nf s n n n Nf n Nf Nf n n n n Nf n Nf n n n n n s n s n ; "
            "n s n s n n n n Nf n Nf Nf Nf n n n n n n n n n n L96"),
}


@dataclass(frozen=True)
class StrandPattern:
    tokens: tuple[str, ...]

    @property
    def nucleotides(self) -> int:
        return sum(t in _SPELL or t in _FIXED for t in self.tokens)

    def apply(self, sequence: str) -> tuple[str, ...]:
        """The strand's competition tokens; its length must equal the pattern's nucleotide count."""
        if len(sequence) != self.nucleotides:
            raise ValueRangeError(f"pattern has {self.nucleotides} nucleotides but the strand has {len(sequence)}",
                                  column="--modification-pattern")
        bases = iter(sequence)
        tokens = []
        for token in self.tokens:
            if token in _SPELL:
                tokens.append(_SPELL[token](next(bases)))
            else:
                if token in _FIXED:
                    next(bases)  # the vocabulary nucleotide takes this position whatever base is there
                tokens.append(token)
        return tuple(tokens)


def _strand(text: str, which: str) -> StrandPattern:
    tokens = tuple(text.split())
    if not tokens:
        raise ValueRangeError(f"the {which} pattern is empty", column="--modification-pattern")
    for position, token in enumerate(tokens, start=1):
        if token not in _SPELL and token not in MOD_TOKENS:
            raise ValueRangeError(
                f"{which} pattern token {position} {token!r} is neither a nucleotide form "
                f"({', '.join(_SPELL)}), a vocabulary nucleotide (dT, u, Af …) nor a link/cap "
                f"({', '.join(sorted(_LITERAL))})", column="--modification-pattern")
    return StrandPattern(tokens)


def pattern_text(text: str) -> str:
    """The ``'GUIDE ; PASSENGER'`` tokens of a pattern given by name or spelt out."""
    return NAMED_PATTERNS.get(text.strip(), text)


def parse_pattern(text: str) -> tuple[StrandPattern, StrandPattern | None]:
    """(guide pattern, passenger pattern or None) from a name in NAMED_PATTERNS or ``'GUIDE ; PASSENGER'``."""
    parts = pattern_text(text).split(";")
    if len(parts) > 2:
        raise ValueRangeError("a pattern has at most two parts, guide ; passenger", column="--modification-pattern")
    guide = _strand(parts[0], "guide")
    passenger = _strand(parts[1], "passenger") if len(parts) == 2 else None
    return guide, passenger
