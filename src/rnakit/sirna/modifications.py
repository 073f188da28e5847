"""Chemical-modification tokens of the SAIS 2024 competition notation.

The ``modified_siRNA_*_seq_list`` columns spell each strand as space-separated tokens: a
lowercase base is 2'-O-methyl, ``Xf`` is 2'-fluoro, ``dX`` is DNA, ``s`` a phosphorothioate
link, ``VP`` a 5'-vinyl-phosphonate, ``L96`` a GalNAc conjugate, and bracketed codes other
chemistries. The table below classifies every code of the competition's ``vocab.csv``
(a test checks it against that file), so later features can ask "which sugar at position i?".
"""

from __future__ import annotations

from dataclasses import dataclass

from rnakit.errors import ValueRangeError


@dataclass(frozen=True)
class ModToken:
    """One token: the base it carries (None for links, caps and conjugates) and its chemistry."""

    base: str | None
    sugar: str  # ribose, 2'-OMe, 2'-F, DNA, GNA, 2'-phosphate, 2'-O-hexadecyl, or "" (no sugar)
    kind: str  # nucleotide, linkage, terminal or conjugate


def _nucleotides(bases: str, sugar: str, spell) -> dict[str, ModToken]:
    return {spell(b): ModToken(base=b, sugar=sugar, kind="nucleotide") for b in bases}


MOD_TOKENS: dict[str, ModToken] = {
    **_nucleotides("ACGU", "ribose", lambda b: b),
    **_nucleotides("ACGU", "2'-OMe", str.lower),
    # 't' is 2'-O-methyl-5-methyluridine: a 2'-OMe U with a methylated base.
    "t": ModToken(base="U", sugar="2'-OMe", kind="nucleotide"),
    **_nucleotides("ACGU", "2'-F", lambda b: f"{b}f"),
    # DNA thymidine is written dT; it pairs as U in the RNA sequence.
    **{f"d{b}": ModToken(base="U" if b == "T" else b, sugar="DNA", kind="nucleotide") for b in "ACGT"},
    **{f"({b}gn)": ModToken(base="U" if b == "T" else b, sugar="GNA", kind="nucleotide") for b in "ACGT"},
    **_nucleotides("ACGU", "2'-phosphate", lambda b: f"({b}2p)"),
    **_nucleotides("ACGU", "2'-O-hexadecyl", lambda b: f"({b}hd)"),
    "s": ModToken(base=None, sugar="", kind="linkage"),
    "P": ModToken(base=None, sugar="", kind="terminal"),
    "VP": ModToken(base=None, sugar="", kind="terminal"),
    "L96": ModToken(base=None, sugar="", kind="conjugate"),
}


def parse_mod_tokens(
    text: str | None,
    *,
    allow_unknown: bool = False,
    file: str | None = None,
    row: int | str | None = None,
    column: str | None = None,
) -> tuple[str, ...] | None:
    """Split a space-separated token list; None for a missing list.

    An unknown token raises ValueRangeError naming it and its row, unless ``allow_unknown``.
    """
    if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
        return None
    tokens = tuple(str(text).split())
    if not allow_unknown:
        for position, token in enumerate(tokens, start=1):
            if token not in MOD_TOKENS:
                raise ValueRangeError(
                    f"unknown modification token {token!r} at token {position} "
                    "(not in the competition vocabulary; use --allow-unknown-mods to keep it)",
                    file=file, row=row, column=column,
                )
    return tokens


def bases_of(tokens: tuple[str, ...]) -> str:
    """The RNA sequence spelt by the nucleotide tokens (unknown tokens are skipped)."""
    return "".join(MOD_TOKENS[t].base for t in tokens if t in MOD_TOKENS and MOD_TOKENS[t].base)
