"""One hybridisation hit: a query bound to a stretch of a target, with its energy and base pairs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """A hybrid of ``query`` (short, 5'→3') on ``target`` (5'→3'); sequences are RNA (ACGU).

    ``pairs`` are ``(target_index, query_index)``, 0-based, in duplex order: target indices rise
    while query indices fall (the target's 5' end meets the query's 3' end). ``energy`` is the
    hybrid's free energy in kcal/mol (negative = favourable); ``p_value`` is set when statistics
    were asked for.
    """

    target_id: str
    query_id: str
    target: str
    query: str
    energy: float
    pairs: tuple[tuple[int, int], ...]
    p_value: float | None = None

    @property
    def target_first(self) -> int:
        """0-based target index of the first (5'-most) paired target nucleotide."""
        return self.pairs[0][0]

    @property
    def target_last(self) -> int:
        """0-based target index of the last (3'-most) paired target nucleotide."""
        return self.pairs[-1][0]
