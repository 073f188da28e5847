"""``rnakit hybrid pairs`` in the library: each row of a table holds one (query, target) pair, scored
by its best hit (mfe, p-value, RNAhybrid position, seed type and seed pairing)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.formats import hit_position
from rnakit.hybrid.options import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, QUERY_LETTERS, TARGET_LETTERS
from rnakit.hybrid.request import HybridRequest
from rnakit.hybrid.search import check_sequence, hybridise
from rnakit.hybrid.seeds import seed_pairing
from rnakit.hybrid.significance import with_p_value
from rnakit.hybrid.stats import Evd

#: the columns ``score_pairs`` adds to the table
PAIR_COLUMNS = ("mfe", "p_value", "position", "target_first", "target_last", "n_pairs", "seed_type",
                "seed_wc_pairs", "seed_gu_pairs", "seed_unpaired", "seed_helix")


def score_pairs(frame: pd.DataFrame, query_col: str, target_col: str, request: HybridRequest = HybridRequest(),
                *, file: str | None = None) -> pd.DataFrame:
    """``frame`` with :data:`PAIR_COLUMNS` added: each row's best hit of its query on its target
    (empty cells when nothing binds). Only the request's helix, loop limits and p-values apply (one
    hit per pair, no cut-offs). A bad sequence raises an error naming ``file``, the row (as the file
    numbers it: the header is row 1) and the column.

    >>> score_pairs(pd.DataFrame({"q": ["UGAGGUAGUAGGUUGUAUAGUU"], "t": ["AACUAUACAACCUACUACCUCA"]}),
    ...             "q", "t")[["mfe", "n_pairs", "seed_type"]].to_dict("records")
    [{'mfe': -35.6, 'n_pairs': 22, 'seed_type': '8mer'}]
    """
    for column in (query_col, target_col):
        if column not in frame.columns:
            raise ValueRangeError(f"no such column (the table has {', '.join(map(str, frame.columns))})",
                                  file=file, column=column)
    pairs = []
    for row, (query, target) in enumerate(zip(frame[query_col], frame[target_col]), start=2):
        try:
            pairs.append((check_sequence(query if isinstance(query, str) else "", "query", None,
                                         longest=MAX_QUERY_LENGTH, letters=QUERY_LETTERS),
                          check_sequence(target if isinstance(target, str) else "", "target", None,
                                         longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS)))
        except (SequenceError, ValueRangeError) as error:
            column = query_col if error.column == "query" else target_col
            raise type(error)(error.detail, file=file, row=row, column=column) from None
    request.check()
    request.check_queries([(row, query) for row, (query, _) in enumerate(pairs, start=2)], file=file)
    laws = request.laws([q for q, _ in pairs], sorted({t for _, t in pairs}))
    scored = {pair: _score_pair(*pair, request, laws.get(pair[0])) for pair in dict.fromkeys(pairs)}
    scores = [scored[pair] for pair in pairs]  # rows repeating a pair share its search
    return pd.concat([frame, pd.DataFrame(scores, columns=list(PAIR_COLUMNS), index=frame.index)], axis=1)


def _score_pair(query: str, target: str, request: HybridRequest, law: Evd | None) -> dict:
    """The pair's best hit as the PAIR_COLUMNS (empty when nothing binds)."""
    hits = hybridise(query, target, dataclasses.replace(request.search_options(), hits=1, energy_cutoff=None))
    if not hits:
        return dict.fromkeys(PAIR_COLUMNS)
    hit = with_p_value(hits[0], law) if law is not None else hits[0]
    seed = seed_pairing(hit) if len(query) >= 8 else {}
    return {"mfe": hit.energy, "p_value": hit.p_value, "position": hit_position(hit),
            "target_first": hit.target_first + 1, "target_last": hit.target_last + 1, "n_pairs": len(hit.pairs),
            "seed_type": seed.get("type"), "seed_wc_pairs": seed.get("wc_pairs"), "seed_gu_pairs": seed.get("gu_pairs"),
            "seed_unpaired": seed.get("unpaired"), "seed_helix": seed.get("contiguous")}
