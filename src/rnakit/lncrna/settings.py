"""The lincRNA filter's thresholds and their vocabularies: light (no pandas, pyranges), so the command
line, the request object and the workflow config read the defaults from this one place."""

from __future__ import annotations

from dataclasses import dataclass

from rnakit.errors import ValueRangeError

# Location classes of a transcript against the protein-coding reference (gffcompare-like codes).
LOCATION_CLASSES = {
    "o": "same-strand exonic overlap with a coding transcript",
    "x": "antisense: exonic overlap on the opposite strand",
    "i": "inside an intron of a coding transcript",
    "y": "a coding transcript lies inside this transcript's intron",
    "p": "within the flank of a coding transcript, no overlap",
    "u": "intergenic: no coding transcript within the flank",
}

# Ensembl/GENCODE biotypes of structural and small regulatory RNAs.
HOUSEKEEPING_BIOTYPES = (
    "rRNA", "Mt_rRNA", "rRNA_pseudogene", "tRNA", "Mt_tRNA", "snRNA", "snoRNA", "scaRNA", "miRNA", "misc_RNA",
    "ribozyme", "sRNA", "scRNA", "vault_RNA", "vaultRNA", "Y_RNA", "7SK", "RNase_MRP_RNA", "RNase_P_RNA", "SRP_RNA",
)
DOMAIN_FRAMES = ("longest", "three")


@dataclass(frozen=True)
class FilterSettings:
    """Thresholds of the filters (see the module notes)."""

    flank: int = 1000
    keep_classes: tuple[str, ...] = ("u",)
    min_length: int = 200
    min_exons: int = 1
    max_orf_aa: int = 100
    housekeeping_biotypes: tuple[str, ...] = HOUSEKEEPING_BIOTYPES
    domain_frames: str = "longest"
    domain_evalue: float = 1e-5
    threads: int | None = None  # of the protein-domain search; None: the cores available to this process

    def validate(self) -> None:
        """Raise ValueRangeError naming the first setting out of range."""
        unknown = [c for c in self.keep_classes if c not in LOCATION_CLASSES]
        if unknown or not self.keep_classes:
            raise ValueRangeError(f"unknown location class(es) {', '.join(unknown) or '(none given)'}; expected some of "
                                  f"{', '.join(LOCATION_CLASSES)}", column="keep_classes")
        for name, value, low in (("flank", self.flank, 0), ("min_length", self.min_length, 0),
                                 ("min_exons", self.min_exons, 1), ("max_orf_aa", self.max_orf_aa, 1)):
            if value < low:
                raise ValueRangeError(f"must be ≥ {low}, not {value}", column=name)
        if self.domain_frames not in DOMAIN_FRAMES:
            raise ValueRangeError(f"domain frames must be one of {', '.join(DOMAIN_FRAMES)}, not {self.domain_frames!r}",
                                  column="domain_frames")
        if not self.domain_evalue > 0:
            raise ValueRangeError(f"the domain E-value cutoff must be > 0, not {self.domain_evalue}",
                                  column="domain_evalue")
