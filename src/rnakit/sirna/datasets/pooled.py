"""The public unmodified siRNA sets pooled for cross-study training (issue 17, part 1).

Each set measures knockdown in its own assay, so raw labels are not comparable across studies; the
order of siRNAs within one study and gene is. Rows therefore get ``rank_label``, the within-(study ×
gene) percentile rank. The sets also re-tabulate one another (Huesken 2005 reappears in
siRNAEfficacyDB, ENsiRNA and GNN4siRNA; Mysara's dataset C lies inside Ichihara's compilation), so
copies are found by the guide's 19-nt core and target, kept once, and listed in ``copies``.

Rules: a copy shares the core and the gene (symbols compared upper-case; a row without a gene
matches on the core alone, i.e. on its 19-nt target site). Across sets the copy in the earliest set
of :data:`PREFERENCE` is kept, on the assumption that the sets re-tabulate the same measurements;
within a set, one row per (copy group, study). ``rank_label`` is NaN in (study × gene) groups of
fewer than :data:`MIN_RANK_GROUP` rows and where nothing names the target.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.datasets.registry import load_dataset

#: Which copy of a duplex is kept: the earliest set here that holds it. Originals come before the
#: sets that re-tabulate them; ENsiRNA comes last as it renormalised its labels.
PREFERENCE: tuple[str, ...] = (
    "huesken2005", "ichihara2007", "mysara2012_c", "sdg_supplements", "sirnaefficacydb", "gnn4sirna", "ensirna",
)
DEFAULT_SETS = PREFERENCE
CORE_LENGTH = 19
MIN_RANK_GROUP = 3  # a rank among fewer rows says too little; such groups get NaN
#: Subsets that are chemically modified although their reader records no modification (Monopoli's
#: sdRNAs are cholesterol-conjugated and fully modified, see sdg_supplements/SOURCE.md).
MODIFIED_SUBSETS = frozenset({"monopoli"})
_MOD_COLUMNS = ("guide_mods", "passenger_mods", "guide_mod_desc", "passenger_mod_desc")
#: Sets that pool publications without naming them: the columns that tell their studies apart.
STUDY_COLUMNS: dict[str, tuple[str, ...]] = {
    "sirnaefficacydb": ("assay", "cell_line", "concentration_nm", "hours"),
    "ensirna": ("subset",),
    "gnn4sirna": ("subset",),
}
_SAME_STUDY = {"valid": "train"}  # ENsiRNA's valid file is a cross-validation split of its train pool
#: Symbols two sets give one target: siRNAEfficacyDB's 'SEAP' rows reappear in Shabalina's file as
#: 'ALPG' with the same labels.
GENE_ALIASES = {"SEAP": "ALPG"}


@dataclass(frozen=True)
class PooledSet:
    """``table``: kept rows (canonical columns plus dataset, study, core, gene_key, copy_group, group,
    rank_label, transcript_source; ids are unique only with ``dataset``); ``copies``: one row per dropped copy (kept and
    dropped id, dataset and label, reason, copy_group); ``summary``: one row per dataset."""

    table: pd.DataFrame
    copies: pd.DataFrame
    summary: pd.DataFrame


def guide_core(guides: pd.Series) -> pd.Series:
    """Guide positions 1–19 (5'→3'), RNA, upper case: the part every set writes the same way."""
    return guides.str[:CORE_LENGTH].str.upper().str.replace("T", "U", regex=False)


def unmodified_labelled(table: pd.DataFrame) -> pd.Series:
    """Rows with a label and a guide and no modification recorded or known."""
    keep = table["remaining_pct"].notna() & table["guide"].notna()
    for column in _MOD_COLUMNS:
        if column in table:
            keep &= table[column].isna()
    if "subset" in table:
        keep &= ~table["subset"].isin(MODIFIED_SUBSETS)
    return keep


def _study(table: pd.DataFrame, name: str) -> pd.Series:
    """``<dataset>:<publication>``, else the set's study columns joined, else the set's name."""
    columns = [c for c in STUDY_COLUMNS.get(name, ()) if c in table]
    if columns:
        parts = table[columns].astype(object).where(table[columns].notna(), "?").astype(str)
        label = parts.apply(lambda row: ", ".join(_SAME_STUDY.get(v, v) for v in row), axis=1)
    else:
        label = table["publication"].fillna("")
    return (name + ":" + label).str.rstrip(":")


def _gene_keys(table: pd.DataFrame) -> pd.Series:
    """Upper-case gene symbol; a row without one takes the only gene its core has in other rows
    (its 19-nt target site is the same), else stays None."""
    own = table["gene"].str.strip().str.upper().replace(GENE_ALIASES)
    own = own.where(own != "", None)
    genes_per_core = own.groupby(table["core"]).agg(lambda g: set(g.dropna()))
    only = genes_per_core.map(lambda genes: next(iter(genes)) if len(genes) == 1 else None)
    return own.fillna(table["core"].map(only)).astype(object).where(lambda s: s.notna(), None)


def _rank_target(table: pd.DataFrame) -> pd.Series:
    """The gene key, else the accession (Huesken's rows name only one), else a digest of the transcript
    (ENsiRNA's patent rows give neither); None when nothing names the target."""
    # A plain dict, not Series.map: pandas would copy every long transcript into an index.
    digests: dict[str, str] = {}
    for transcript in table["transcript"]:
        if isinstance(transcript, str) and transcript not in digests:
            digests[transcript] = "transcript:" + hashlib.sha1(transcript.encode()).hexdigest()[:12]
    named = pd.Series([digests.get(t) if isinstance(t, str) else None for t in table["transcript"]], index=table.index)
    return table["gene_key"].fillna(table["transcript_id"]).fillna(named)


def _percentile_ranks(labels: pd.Series, groups: pd.Series) -> pd.Series:
    """0 = most potent (lowest remaining) … 1 within each group; ties averaged; NaN in small groups."""
    by_group = labels.groupby(groups)
    size = by_group.transform("size")
    rank = (by_group.rank(method="average") - 1) / (size - 1)
    return rank.where(size >= MIN_RANK_GROUP)


def pooled_unmodified(
    data_dir: str | os.PathLike[str] | None = None, sets: tuple[str, ...] = DEFAULT_SETS
) -> PooledSet:
    """Read ``sets``, keep unmodified labelled rows, drop copies across sets, add within-study ranks."""
    return pool_tables({name: load_dataset(name, data_dir) for name in sets})


def pool_tables(tables: dict[str, pd.DataFrame]) -> PooledSet:
    """:func:`pooled_unmodified` on tables already read (by dataset name)."""
    preference = {name: i for i, name in enumerate(PREFERENCE)}
    parts = []
    for name, table in tables.items():
        part = table[unmodified_labelled(table)].copy()
        part["dataset"] = name
        part["study"] = _study(part, name)
        parts.append(part)
    pool = pd.concat(parts, ignore_index=True)
    pool["core"] = guide_core(pool["guide"])
    pool["gene_key"] = _gene_keys(pool)
    # Gene-less rows whose core has no single gene are one target per 19-nt site.
    target = pool["gene_key"].fillna("site:" + pool["core"])
    pool["copy_group"] = pool.groupby([pool["core"], target], sort=True).ngroup()

    # Within a copy group the most preferred set keeps its rows; then one row per (copy, study).
    pool["_preference"] = pool["dataset"].map(lambda n: preference.get(n, len(preference)))
    pool = pool.sort_values(["_preference"], kind="stable")
    best = pool.groupby("copy_group")["_preference"].transform("min")
    cross = pool["_preference"] != best
    repeat = ~cross & pool.duplicated(["copy_group", "study"])
    # Keepers by row label, not id: ids repeat across sets (ENsiRNA and GNN4siRNA both have 'A1').
    rows = pool.index.to_series()[~cross]
    first_of_group = rows.groupby(pool["copy_group"]).first()
    first_of_study = rows.groupby([pool["copy_group"], pool["study"]]).first()
    dropped = pool[cross | repeat]
    study_keys = pd.MultiIndex.from_frame(dropped[["copy_group", "study"]])
    kept = np.where(cross[dropped.index], first_of_group.reindex(dropped["copy_group"]).to_numpy(),
                    first_of_study.reindex(study_keys).to_numpy()).astype(int)
    copies = pd.DataFrame({
        "kept_id": pool.loc[kept, "id"].to_numpy(),
        "kept_dataset": pool.loc[kept, "dataset"].to_numpy(),
        "dropped_id": dropped["id"].to_numpy(),
        "dropped_dataset": dropped["dataset"].to_numpy(),
        "reason": np.where(cross[dropped.index], "copy in a preferred set", "repeat within study"),
        "copy_group": dropped["copy_group"].to_numpy(),
        "kept_remaining_pct": pool.loc[kept, "remaining_pct"].to_numpy(),
        "dropped_remaining_pct": dropped["remaining_pct"].to_numpy(),
    })

    table = pool[~(cross | repeat)].drop(columns="_preference").sort_index()
    table = _borrow_transcripts(table, pool).reset_index(drop=True)
    gene = _rank_target(table)
    table["group"] = (table["study"] + " | " + gene).where(gene.notna(), None)
    table["rank_label"] = _percentile_ranks(table["remaining_pct"], table["group"])
    return PooledSet(table, copies, _summary(tables, pool, table, copies))


def _borrow_transcripts(table: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Kept rows without a transcript take one from a copy of theirs that has it and holds their site
    (Huesken's and Ichihara's rows lack some that ENsiRNA's copies carry); ``transcript_source``
    names the set it came from."""
    table = table.assign(transcript_source=table["dataset"].where(table["transcript"].notna(), None))
    site = pool["core"].map(reverse_complement_rna)
    holds_site = [isinstance(t, str) and s in t for s, t in zip(site, pool["transcript"])]
    donors = pool[holds_site].drop_duplicates("copy_group").set_index("copy_group")
    lacking = table["transcript"].isna() & table["copy_group"].isin(donors.index)
    groups = table.loc[lacking, "copy_group"]
    for column in ("transcript", "transcript_id"):
        borrowed = donors[column].reindex(groups).to_numpy()
        own = table.loc[lacking, column].to_numpy()
        table.loc[lacking, column] = np.where(pd.isna(own), borrowed, own) if column == "transcript_id" else borrowed
    table.loc[lacking, "transcript_source"] = donors["dataset"].reindex(groups).to_numpy()
    return table


def _summary(tables: dict[str, pd.DataFrame], pool: pd.DataFrame, table: pd.DataFrame,
             copies: pd.DataFrame) -> pd.DataFrame:
    site_found = [
        isinstance(t, str) and reverse_complement_rna(c) in t for c, t in zip(table["core"], table["transcript"])
    ]
    kept = table.assign(site_in_transcript=site_found).groupby("dataset")
    rows = pd.DataFrame({
        "rows_read": pd.Series({name: len(t) for name, t in tables.items()}),
        "unmodified_labelled": pool["dataset"].value_counts(),
        "rows_kept": kept.size(),
        "copies_dropped": copies["dropped_dataset"].value_counts(),
        "studies": kept["study"].nunique(),
        "genes": kept["gene_key"].nunique(),
        "with_transcript": kept["transcript"].count(),
        "transcript_from_copy": (table["transcript_source"].notna() & (table["transcript_source"] != table["dataset"]))
        .groupby(table["dataset"]).sum(),
        "site_in_transcript": kept["site_in_transcript"].sum(),
        "with_context": kept["context"].count(),
        "ranked": kept["rank_label"].count(),
    }, index=list(tables))
    return rows.fillna(0).astype(int).rename_axis("dataset").reset_index()
