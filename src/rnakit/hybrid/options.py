"""RNAhybrid's search options and limits: light (no numpy, numba or ViennaRNA), so the command line
and the request object read their defaults from here without loading the search."""

from __future__ import annotations

from dataclasses import dataclass

from rnakit.errors import ValueRangeError

MAXLOOP = 30  # longest loop the energy tables cover (ViennaRNA's MAXLOOP)
MAX_QUERY_LENGTH = 30  # RNAhybrid's default -n; the programme's cost grows with its square
MAX_TARGET_LENGTH = 500_000  # the tables take ~800 bytes per target nucleotide
QUERY_LETTERS = frozenset("ACGU")
TARGET_LETTERS = frozenset("ACGUN")


@dataclass(frozen=True)
class SearchOptions:
    """RNAhybrid's search options, with its defaults (the one place they are written).

    ``energy_cutoff`` (-e, kcal/mol): report only hits at or below it. ``helix`` (-f FROM,TO):
    1-based query positions that must pair as one unbroken helix, e.g. the seed (2, 8).
    ``max_internal`` (-u) and ``max_bulge`` (-v): the longest interior-loop side and bulge.
    ``hits`` (-b): hits per target and query, each new one not overlapping the earlier ones.
    ``max_query_length`` (-n): longer queries are refused (time grows with its square).
    """

    energy_cutoff: float | None = None
    helix: tuple[int, int] | None = None
    max_internal: int = 15
    max_bulge: int = 15
    hits: int = 1
    max_query_length: int = MAX_QUERY_LENGTH

    def check(self) -> None:
        """ValueRangeError naming the option when a value cannot be used."""
        for name, value in (("max_internal", self.max_internal), ("max_bulge", self.max_bulge)):
            if not 0 <= value <= MAXLOOP:
                raise ValueRangeError(f"{value} is outside 0–{MAXLOOP}", column=name)
        if self.hits < 1:
            raise ValueRangeError(f"{self.hits} must be ≥ 1", column="hits")
        if self.helix is not None:
            if len(self.helix) != 2:
                raise ValueRangeError(f"{self.helix} is not FROM,TO (two whole numbers)", column="helix")
            first, last = self.helix
            if not 1 <= first <= last:
                raise ValueRangeError(f"helix {first},{last} must satisfy 1 ≤ FROM ≤ TO", column="helix")
