"""Readers for the ENsiRNA (unmodified) and ENsiRNA-mod (modified) benchmark files (Tan et al.).

Unmodified ``efficacy`` is a normalised knockdown in [0, 1] (read as a fraction: remaining =
100·(1 − x), which is on the % scale only as far as the upstream normalisation allows); modified
``PCT`` is % inhibition. Only fold 1 of the upstream cross-validation is stored, which together
with its validation part holds every row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rnakit.errors import InputFormatError
from rnakit.sirna.datasets.registry import register_reader
from rnakit.sirna.schema import canonical_frame, numeric_labels, rna_strings, to_remaining_pct
from rnakit.tabular import require_columns
from rnakit.tabular import read_delimited

UNMODIFIED_PARTS = {"train": "train_1.csv", "valid": "valid_1.csv", "test": "test.csv", "patent": "patent.csv"}
MODIFIED_PARTS = {"train": "train_88_1.xlsx", "valid": "valid_88_1.xlsx", "test": "test_88.xlsx", "patent": "patent.xlsx"}


@register_reader("ensirna")
def read_ensirna(folder: Path) -> pd.DataFrame:
    """All four unmodified files, in the order train, valid, test, patent (``subset`` column)."""
    parts = []
    for subset, name in UNMODIFIED_PARTS.items():
        path = folder / "unmodified" / name
        raw = read_delimited(path, required=["siRNA", "anti seq", "sense seq", "mRNA_seq", "position", "efficacy"])
        raw["subset"] = subset
        raw["file"] = str(path)
        parts.append(raw)
    raw = pd.concat(parts, ignore_index=True)
    n = len(raw)
    label = numeric_labels(raw["efficacy"], file=str(folder / "unmodified"), column="efficacy")
    accession = raw["mRNA"] if "mRNA" in raw else pd.Series([None] * n)
    columns = {
        "id": raw["siRNA"].astype(str).str.strip().tolist(),
        "guide": rna_strings(raw["anti seq"]),
        "passenger": rna_strings(raw["sense seq"]),
        "transcript": rna_strings(raw["mRNA_seq"]),
        "transcript_id": accession.where(accession.notna(), None).tolist(),
        "duplex": raw["siRNA"].astype(str).str.strip().tolist(),
        "source": ["ensirna"] * n,
        "remaining_pct": to_remaining_pct(label, "fraction"),
        "label_kind": ["fraction"] * n,
        "subset": raw["subset"].tolist(),
        "site_position": pd.to_numeric(raw["position"], errors="coerce").to_numpy(),
    }
    return canonical_frame(columns, n)


def _describe_modifications(kinds: object, positions: object) -> str | None:
    """'2-O-Methyl*LNA' with '2,4*20,21' → '2-O-Methyl@2,4; LNA@20,21' (None when unmodified)."""
    if pd.isna(kinds) or not str(kinds).strip():
        return None
    kind_list = [k.strip() for k in str(kinds).split("*")]
    position_list = [p.strip() for p in str(positions).split("*")] if pd.notna(positions) else []
    position_list += [""] * (len(kind_list) - len(position_list))
    return "; ".join(f"{k}@{p}" if p else k for k, p in zip(kind_list, position_list))


@register_reader("ensirna_mod")
def read_ensirna_mod(folder: Path) -> pd.DataFrame:
    """All four modified workbooks; modifications kept as text in ``guide_mod_desc``/``passenger_mod_desc``."""
    parts = []
    for subset, name in MODIFIED_PARTS.items():
        path = folder / "modified" / name
        try:
            raw = pd.read_excel(path)
        except (OSError, ValueError) as exc:
            raise InputFormatError(f"cannot read the workbook ({exc})", file=str(path)) from None
        require_columns(raw, ["ID", "source", "cc", "sense raw seq", "sense mod", "sense pos",
                              "anti raw seq", "anti mod", "anti pos", "PCT"], file=str(path))
        raw["subset"] = subset
        parts.append(raw)
    raw = pd.concat(parts, ignore_index=True)
    n = len(raw)
    label = numeric_labels(raw["PCT"], file=str(folder / "modified"), column="PCT")
    columns = {
        "id": [f"ensirna_mod:{i}" for i in range(1, n + 1)],  # upstream ids repeat across doses
        "guide": rna_strings(raw["anti raw seq"]),
        "passenger": rna_strings(raw["sense raw seq"]),
        "concentration_nm": pd.to_numeric(raw["cc"], errors="coerce").to_numpy(),
        "duplex": raw["ID"].astype(str).str.strip().tolist(),
        "publication": raw["source"].astype(str).str.strip().tolist(),
        "source": ["ensirna_mod"] * n,
        "remaining_pct": to_remaining_pct(label, "inhibition"),
        "label_kind": ["inhibition"] * n,
        "subset": raw["subset"].tolist(),
        "guide_mod_desc": [_describe_modifications(k, p) for k, p in zip(raw["anti mod"], raw["anti pos"])],
        "passenger_mod_desc": [_describe_modifications(k, p) for k, p in zip(raw["sense mod"], raw["sense pos"])],
    }
    return canonical_frame(columns, n)
