"""What FASTA headers of transcripts say: gene symbol, CDS and 3'UTR spans (when they say it)."""

from __future__ import annotations

import re

_FIELD_START = r"(?:^|[\s|;\[])"
_FIELD_VALUE = r"([^\s|;,\[\]]+)"
_GENE_PATTERNS = (
    re.compile(_FIELD_START + r"gene_symbol[:=]" + _FIELD_VALUE),
    re.compile(_FIELD_START + r"gene=" + _FIELD_VALUE),
    re.compile(_FIELD_START + r"gene:" + _FIELD_VALUE),
)
_REFSEQ_GENE = re.compile(
    r"\(([^()\s]+)\)(?=,\s*(?:transcript variant|mRNA|(?:long )?non-coding RNA|ncRNA|misc_RNA))"
)
_UTR3 = re.compile(_FIELD_START + r"UTR3[:=](\d+)(?:-|\.\.)(\d+)")
_CDS = re.compile(_FIELD_START + r"CDS[:=](\d+)(?:-|\.\.)(\d+)")


def parse_gene(header: str) -> str | None:
    """Gene symbol named in a FASTA header, so isoforms of the target can be excluded.

    Recognises ``gene_symbol:X`` (Ensembl cDNA), ``gene=X`` (NCBI), ``gene:X``, GENCODE's
    ``ENST|ENSG|…|name|GENE|length|…`` and RefSeq titles such as
    ``… tumor protein p53 (TP53), transcript variant 1, mRNA``. None when no gene is named.
    """
    for pattern in _GENE_PATTERNS:
        match = pattern.search(header)
        if match:
            return match.group(1)
    fields = header.split(None, 1)[0].split("|") if header.strip() else []
    gencode = len(fields) >= 7 and fields[0].startswith("ENST") and fields[6].isdigit()
    if gencode and fields[5] not in ("", "-"):
        return fields[5]
    refseq = _REFSEQ_GENE.findall(header)
    return refseq[-1] if refseq else None


def _spans(pattern: re.Pattern[str], header: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in pattern.findall(header)]


def parse_cds(header: str) -> tuple[int, int] | None:
    """1-based inclusive ``(start, end)`` of ``CDS:a-b`` / ``CDS=a-b`` / ``CDS:a..b``, or None."""
    spans = _spans(_CDS, header)
    return spans[0] if spans else None


def parse_utr3(header: str) -> tuple[int, int] | None:
    """1-based inclusive span covering every ``UTR3:a-b`` field (GENCODE), or None."""
    spans = _spans(_UTR3, header)
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None
