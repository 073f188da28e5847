"""The hybridisation dynamic programme: minimum free energy of intermolecular pairs only.

``c[i, j]`` is the lowest energy of a duplex whose last pair joins target nucleotide ``i`` to query
nucleotide ``j`` (1-based); the target runs 5'→3' with ``i`` while the query runs 3'→5'. A duplex
starts with ViennaRNA's duplex initiation plus an exterior stem term, grows through stacks, bulges
and interior loops (``E_IntLoop``), and ends with another exterior stem term — the recursion of
ViennaRNA's ``duplexfold``, with RNAhybrid's limits on top: the longest bulge, the longest interior
loop side, and a helix constraint (query positions that must pair as one unbroken helix).

Compiled with numba: the inner loops over loop sizes are short and data dependent, which numpy
cannot vectorise without materialising every (cell, loop) combination.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

from rnakit.hybrid.energy import INF, MAX_NINIO, MAXLOOP, PAIR, REVERSE_TYPE, EnergyTables


@njit(cache=True, inline="always")
def _exterior(tables_mm_ext, dangle5, dangle3, terminal_au, pair_type, n5d, n3d):
    """ViennaRNA's ``E_ext_stem``: dangles (both sides: the exterior mismatch) and the AU/GU end penalty."""
    energy = 0
    if n5d > 0 and n3d > 0:
        energy += tables_mm_ext[pair_type, n5d, n3d]
    elif n5d > 0:
        energy += dangle5[pair_type, n5d]
    elif n3d > 0:
        energy += dangle3[pair_type, n3d]
    if pair_type > 2:
        energy += terminal_au
    return energy


@njit(cache=True, inline="always")
def _interior(n1, n2, outer, inner, si1, sj1, sp1, sq1, stack, bulge, internal, int11, int21, int22,
              mm_i, mm_1n, mm_23, ninio, terminal_au):
    """ViennaRNA's ``E_IntLoop``: the loop closed by ``outer`` and ``inner`` with n1, n2 unpaired nts."""
    nl, ns = (n1, n2) if n1 > n2 else (n2, n1)
    if nl == 0:
        return stack[outer, inner]
    if ns == 0:  # bulge
        energy = bulge[nl]
        if nl == 1:
            energy += stack[outer, inner]
        else:
            if outer > 2:
                energy += terminal_au
            if inner > 2:
                energy += terminal_au
        return energy
    if ns == 1:
        if nl == 1:
            return int11[outer, inner, si1, sj1]
        if nl == 2:
            if n1 == 1:
                return int21[outer, inner, si1, sq1, sj1]
            return int21[inner, outer, sq1, si1, sp1]
        energy = internal[nl + 1] + min(MAX_NINIO, (nl - ns) * ninio)
        return energy + mm_1n[outer, si1, sj1] + mm_1n[inner, sq1, sp1]
    if ns == 2:
        if nl == 2:
            return int22[outer, inner, si1, sp1, sq1, sj1]
        if nl == 3:
            energy = internal[5] + ninio
            return energy + mm_23[outer, si1, sj1] + mm_23[inner, sq1, sp1]
    energy = internal[nl + ns] + min(MAX_NINIO, (nl - ns) * ninio)
    return energy + mm_i[outer, si1, sj1] + mm_i[inner, sq1, sp1]


@njit(cache=True, nogil=True)  # nogil: a search runs targets in threads (hybrid search --threads)
def _fill(target, query, allowed, max_internal, max_bulge, helix_from, helix_to, pair, rtype, family, size_part,
          stack, bulge, internal, int11, int21, int22, mm_i, mm_1n, mm_23, mm_ext, dangle5, dangle3, ninio,
          terminal_au, duplex_init, floor, back_k, back_l):
    """Fill the table; return (best energy, i, j) of the best complete duplex (energy INF if none).

    ``target``/``query`` are codes padded with 0 at both ends; ``allowed[i]`` says whether target
    nucleotide i may pair (earlier hits are masked out). ``back_k``/``back_l`` receive, per cell,
    the previous pair (0 when the duplex starts there). Helix positions are 1-based query
    positions, 0 for none. ``floor[n1]``: no loop with n1 unpaired target nts adds less (:func:`loop_floor`).
    """
    m = target.shape[0] - 2
    n = query.shape[0] - 2
    c = np.full((m + 2, n + 2), INF, dtype=np.int32)
    # outer[k, l, f]: c[k, l] plus the loop family f's term for (k, l) as the outer pair
    outer_part = np.full((m + 2, n + 2, 3), INF, dtype=np.int32)
    inner_part = np.zeros(3, dtype=np.int32)
    # The loops below visit only the cells of a row that end a duplex (c < INF), listed once the row is
    # done: the others would give candidates of INF or more, never chosen, and are most of the cells.
    ending = np.empty((m + 2, n + 2), dtype=np.int32)  # row k: its columns l with c[k, l] < INF, increasing
    endings = np.zeros(m + 2, dtype=np.int32)  # how many
    before = np.zeros((m + 2, n + 2), dtype=np.int32)  # before[k, j]: how many of them are <= j
    # after[k, j]: the lowest c[k, l] with l > j. A row whose loops cannot beat the energy found so far
    # (after + floor >= energy; ties keep the earlier choice) is skipped: same result, far fewer loops.
    after = np.full((m + 2, n + 2), INF, dtype=np.int32)
    longest_side = max(max_internal, max_bulge)
    best, best_i, best_j = INF, 0, 0
    for i in range(1, m + 1):
        if not allowed[i]:
            continue
        for j in range(n, 0, -1):
            kind = pair[target[i], query[j]]
            if kind == 0:
                continue
            inner = rtype[kind]
            sp1, sq1 = target[i - 1], query[j + 1]
            inner_part[0] = terminal_au if inner > 2 else 0
            inner_part[1] = mm_1n[inner, sq1, sp1]
            inner_part[2] = mm_i[inner, sq1, sp1]
            energy, from_k, from_l = INF, 0, 0
            if helix_to == 0 or j >= helix_to:  # no helix position may lie 3' of a duplex start
                energy = duplex_init + _exterior(mm_ext, dangle5, dangle3, terminal_au, kind, sp1,
                                                 sq1 if j < n else 0)
            for k in range(i - 1, max(0, i - longest_side - 2), -1):
                if not allowed[k]:
                    break  # a loop may not reach into a masked stretch either
                n1 = i - k - 1
                if after[k, j] + floor[n1] >= energy:
                    continue
                for e in range(before[k, j], endings[k]):
                    l = ending[k, e]
                    n2 = l - j - 1
                    if n1 + n2 > MAXLOOP:
                        break
                    if n1 == 0 or n2 == 0:
                        if n1 + n2 > max_bulge:
                            if n1 == 0:
                                break  # a longer query bulge is longer still
                            continue  # a target bulge too long: interior loops may still fit
                    elif n1 > max_internal or n2 > max_internal:
                        break  # every later l keeps n1 and grows n2
                    if helix_to > 0:
                        if n2 > 0 and j + 1 <= helix_to and l - 1 >= helix_from:
                            break  # the loop would leave a helix position unpaired
                        if helix_from <= j and l <= helix_to and (n1 > 0 or n2 > 0):
                            continue  # inside the helix only stacks are allowed
                    f = family[n1, n2]
                    if f >= 0:
                        candidate = outer_part[k, l, f] + size_part[n1, n2] + inner_part[f]
                    else:
                        candidate = c[k, l] + _interior(n1, n2, pair[target[k], query[l]], inner, target[k + 1],
                                                         query[l - 1], sp1, sq1, stack, bulge, internal, int11,
                                                         int21, int22, mm_i, mm_1n, mm_23, ninio, terminal_au)
                    if candidate < energy:
                        energy, from_k, from_l = candidate, k, l
            if energy >= INF:
                continue
            c[i, j] = energy
            back_k[i, j] = from_k
            back_l[i, j] = from_l
            si1, sj1 = target[i + 1], query[j - 1]  # as an outer pair, its loop neighbours
            outer_part[i, j, 0] = energy + (terminal_au if kind > 2 else 0)
            outer_part[i, j, 1] = energy + mm_1n[kind, si1, sj1]
            outer_part[i, j, 2] = energy + mm_i[kind, si1, sj1]
            if helix_to > 0 and j > helix_from:
                continue  # the duplex may not end before the helix is complete
            total = energy + _exterior(mm_ext, dangle5, dangle3, terminal_au, inner, sj1, si1 if i < m else 0)
            if total < best:
                best, best_i, best_j = total, i, j
        for l in range(1, n + 1):
            if c[i, l] < INF:
                ending[i, endings[i]] = l
                endings[i] += 1
            before[i, l] = endings[i]
        lowest = INF
        for l in range(n, -1, -1):
            after[i, l] = lowest
            lowest = min(lowest, c[i, l])
    return best, best_i, best_j


def best_duplex(
    target: np.ndarray, query: np.ndarray, allowed: np.ndarray, tables: EnergyTables, *,
    max_internal: int = MAXLOOP, max_bulge: int = MAXLOOP, helix: tuple[int, int] | None = None,
) -> tuple[float, list[tuple[int, int]]]:
    """The minimum-free-energy duplex: (kcal/mol, 0-based (target, query) pairs in duplex order).

    ``target``/``query`` come from :func:`rnakit.hybrid.energy.encode`. Returns ``(inf, [])`` when
    no duplex is possible (nothing pairs, or the helix constraint cannot be met).
    """
    m, n = len(target) - 2, len(query) - 2
    back_k = np.zeros((m + 2, n + 2), dtype=np.int32)
    back_l = np.zeros((m + 2, n + 2), dtype=np.int32)
    helix_from, helix_to = helix if helix else (0, 0)
    best, i, j = _fill(target, query, allowed, max_internal, max_bulge, helix_from, helix_to, *_table_arguments(tables),
                       back_k, back_l)
    if best >= INF:
        return math.inf, []
    pairs = []
    while i > 0:
        pairs.append((i - 1, j - 1))
        i, j = back_k[i, j], back_l[i, j]
    pairs.reverse()
    return best / 100.0, pairs


def _table_arguments(t: EnergyTables) -> tuple:
    """The tables in ``_fill``'s argument order (after the helix bounds)."""
    family, size_part = t.loop_families
    return (PAIR, REVERSE_TYPE, family, size_part, t.stack, t.bulge, t.internal, t.int11, t.int21, t.int22,
            t.mismatch_interior, t.mismatch_1n, t.mismatch_23, t.mismatch_exterior, t.dangle5, t.dangle3, t.ninio,
            t.terminal_au, t.duplex_init, loop_floor(t))


@njit(cache=True)
def _loop_minimum(n1, n2, stack, bulge, internal, int11, int21, int22, mm_i, mm_1n, mm_23, ninio, terminal_au):
    """The lowest ``_interior`` energy of an n1 × n2 loop over every pair type and neighbouring nucleotide."""
    lowest = INF
    for outer in range(1, 8):
        for inner in range(1, 8):
            for si1 in range(5):
                for sj1 in range(5):
                    for sp1 in range(5):
                        for sq1 in range(5):
                            lowest = min(lowest, _interior(n1, n2, outer, inner, si1, sj1, sp1, sq1, stack, bulge,
                                                           internal, int11, int21, int22, mm_i, mm_1n, mm_23, ninio,
                                                           terminal_au))
    return lowest


@functools.lru_cache(maxsize=8)
def loop_floor(tables: EnergyTables) -> np.ndarray:
    """Per n1 (unpaired target nts of a loop): a lower bound of what any loop with n1 such nts adds to
    the energy of its outer pair's duplex, over every n2, pair type and neighbour (dcal/mol)."""
    family, size_part = tables.loop_families
    t = tables
    # A family's loop adds size_part plus an outer-pair and an inner-pair term from the same table.
    term = [min(0, t.terminal_au), int(t.mismatch_1n[1:].min()), int(t.mismatch_interior[1:].min())]
    floor = np.full(MAXLOOP + 1, INF, dtype=np.int64)
    for n1 in range(MAXLOOP + 1):
        for n2 in range(MAXLOOP + 1 - n1):
            f = family[n1, n2]
            if f >= 0:
                lowest = int(size_part[n1, n2]) + 2 * term[f]
            else:
                lowest = _loop_minimum(n1, n2, t.stack, t.bulge, t.internal, t.int11, t.int21, t.int22,
                                       t.mismatch_interior, t.mismatch_1n, t.mismatch_23, t.ninio, t.terminal_au)
            floor[n1] = min(floor[n1], lowest)
    return floor


@njit(cache=True)
def _fill_each(targets, target_ends, queries, query_ends, max_internal, max_bulge, pair, rtype, family, size_part,
               stack, bulge, internal, int11, int21, int22, mm_i, mm_1n, mm_23, mm_ext, dangle5, dangle3, ninio,
               terminal_au, duplex_init, floor):
    """``_fill``'s best energy for each (target, query) pair of the concatenated, padded code arrays."""
    best = np.empty(len(target_ends), dtype=np.int64)
    target_start = query_start = 0
    for r in range(len(target_ends)):
        target = targets[target_start : target_ends[r]]
        query = queries[query_start : query_ends[r]]
        back_k = np.zeros((target.shape[0], query.shape[0]), dtype=np.int32)
        back_l = np.zeros((target.shape[0], query.shape[0]), dtype=np.int32)
        allowed = np.ones(target.shape[0], dtype=np.bool_)
        best[r] = _fill(target, query, allowed, max_internal, max_bulge, 0, 0, pair, rtype, family, size_part, stack,
                        bulge, internal, int11, int21, int22, mm_i, mm_1n, mm_23, mm_ext, dangle5, dangle3, ninio,
                        terminal_au, duplex_init, floor, back_k, back_l)[0]
        target_start, query_start = target_ends[r], query_ends[r]
    return best


def best_energies(targets: tuple[np.ndarray, np.ndarray], queries: tuple[np.ndarray, np.ndarray],
                  tables: EnergyTables, *, max_internal: int = MAXLOOP, max_bulge: int = MAXLOOP) -> np.ndarray:
    """:func:`best_duplex`'s energy (kcal/mol, inf when nothing pairs) for each (target, query) pair,
    in one compiled loop: no per-pair Python work, for the many short pairs of siRNA features.
    ``targets``/``queries``: codes and ends as :func:`rnakit.hybrid.energy.encode_joined` gives them."""
    if not len(targets[1]):
        return np.empty(0)
    best = _fill_each(targets[0], targets[1], queries[0], queries[1], max_internal, max_bulge,
                      *_table_arguments(tables))
    return np.where(best >= INF, math.inf, best / 100.0)
