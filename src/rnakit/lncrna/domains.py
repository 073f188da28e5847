"""Known protein domains in transcripts: translate their ORFs and search a profile-HMM database (pyhmmer).

A lincRNA candidate should encode no known protein domain. The database is a HMMER3 file of protein
profiles (e.g. Pfam-A.hmm, one or many models, ASCII, gzipped or pressed with ``hmmpress``).

Thresholds. A hit is a (sequence, model) pair kept when its *full-sequence* E-value is ≤ ``evalue``
(hmmsearch's ``-E``). The question asked of a transcript is "does this peptide carry that domain at
all", a per-sequence decision; the sequence score pools evidence over repeated domains (fn3 repeats)
and, unlike the domain E-value, does not depend on domZ, i.e. on how many other sequences happened to
be significant. With ``cut_ga=True`` the models' own Pfam gathering thresholds (GA) replace the
E-value cutoff, as hmmsearch's ``--cut_ga`` does.

Search space Z. E = P-value × Z. :func:`search_domains` keeps hmmsearch's default (Z = number of
proteins searched), so its numbers match an hmmsearch of the same FASTA. :func:`transcript_domains`
uses hmmscan's convention instead (Z = number of models in the database): a transcript's verdict then
does not change with how many other transcripts were assembled alongside it. Both accept ``Z=``.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

import pandas as pd
import pyhmmer
from Bio.Seq import translate
from pyhmmer.easel import Alphabet, DigitalSequenceBlock, TextSequence
from pyhmmer.plan7 import HMM, HMMFile

from rnakit.errors import InputFormatError, SequenceError, ValueRangeError
from rnakit.seq.alphabet import first_invalid_letter, validate_rna
from rnakit.seq.orf import longest_orf

DOMAIN_COLUMNS = ["id", "domain", "accession", "evalue", "score"]
TRANSCRIPT_DOMAIN_COLUMNS = ["transcript_id", "peptide", "domain", "accession", "evalue", "score"]

_AMINO = Alphabet.amino()
# Easel's amino alphabet (20 residues, gap, B J Z O U X, stop '*', missing '~'), upper case.
_PROTEIN_LETTERS = frozenset(_AMINO.symbols)
# Assembled transcripts may carry IUPAC ambiguity codes; their codons translate to X (or B/J/Z).
_NUCLEOTIDE_LETTERS = frozenset("ACGUNRYKMSWBDHV")


def check_hmm_database(hmm_path: str | os.PathLike[str], *, cut_ga: bool = False) -> int:
    """Read every model of ``hmm_path`` once and return how many there are.

    Raises InputFormatError (naming the file, and the model when one is at fault) for a missing,
    empty, truncated or non-HMM file, a nucleotide (DNA/RNA) model, or — with ``cut_ga`` — a model
    without a GA gathering threshold. Call it before any long step to fail early.
    """
    return sum(1 for _ in _iter_models(hmm_path, cut_ga=cut_ga))


def search_domains(
    proteins: Mapping[str, str],
    hmm_path: str | os.PathLike[str],
    *,
    evalue: float = 1e-5,
    cut_ga: bool = False,
    Z: int | None = None,  # noqa: N803 - HMMER's name for the search-space size
    cpus: int = 0,
) -> pd.DataFrame:
    """Search protein sequences ``{id: amino acids}`` with every model of ``hmm_path``.

    One row per (protein, model) hit with full-sequence E-value ≤ ``evalue`` (or, with ``cut_ga``,
    passing the model's gathering thresholds): columns ``id, domain`` (model name), ``accession``
    (``""`` when the model has none), ``evalue``, ``score`` (bits). Rows follow the proteins' order,
    then increasing E-value. ``Z`` defaults to the number of proteins (hmmsearch); ``cpus=0`` uses
    every core. Sequences are searched as given (a final ``*`` stays, as in hmmsearch).
    """
    named = [(str(key), _protein(str(key), sequence)) for key, sequence in proteins.items()]
    hits = _search(
        [sequence for _, sequence in named], hmm_path, evalue=evalue, cut_ga=cut_ga, Z=Z, scan_z=False, cpus=cpus
    )
    rows = [(named[index][0], *hit) for index, hit in hits]
    return pd.DataFrame(rows, columns=DOMAIN_COLUMNS).astype({"evalue": float, "score": float})


def transcript_domains(
    records: Iterable[tuple[str, str]],
    hmm_path: str | os.PathLike[str],
    *,
    frames: Literal["longest", "three"] = "longest",
    evalue: float = 1e-5,
    min_length: int = 30,
    cut_ga: bool = False,
    Z: int | None = None,  # noqa: N803 - HMMER's name for the search-space size
    cpus: int = 0,
) -> pd.DataFrame:
    """Translate each transcript and search the peptides with the models of ``hmm_path``.

    ``records`` are ``(transcript id, nucleotides on the transcript's strand)``, DNA or RNA, any case.
    ``frames="longest"``: the longest AUG…stop ORF (:func:`rnakit.seq.orf.longest_orf`), whatever its
    length; ``frames="three"``: each forward frame translated (standard code) and cut at stops, peptides
    shorter than ``min_length`` aa dropped. One row per (peptide, model) hit: columns ``transcript_id,
    peptide`` (where it comes from: ``orf:FIRST-LAST`` or ``frameN:FIRST-LAST``, 1-based nucleotide
    span of the translated codons, stop excluded), ``domain, accession, evalue, score``. ``Z``
    defaults to the number of models (hmmscan's convention, see the module notes).
    """
    peptides: list[tuple[str, str, str]] = []  # (transcript id, label, amino acids)
    seen: set[str] = set()
    for transcript_id, sequence in records:
        if transcript_id in seen:
            raise SequenceError("duplicate transcript id", row=transcript_id)
        seen.add(transcript_id)
        found = transcript_peptides(sequence, frames=frames, min_length=min_length, name=transcript_id)
        peptides.extend((transcript_id, label, protein) for label, protein in found)
    hits = _search(
        [protein for *_, protein in peptides], hmm_path, evalue=evalue, cut_ga=cut_ga, Z=Z, scan_z=True, cpus=cpus
    )
    rows = [(*peptides[index][:2], *hit) for index, hit in hits]
    return pd.DataFrame(rows, columns=TRANSCRIPT_DOMAIN_COLUMNS).astype({"evalue": float, "score": float})


def transcript_peptides(
    sequence: str,
    *,
    frames: Literal["longest", "three"] = "longest",
    min_length: int = 30,
    name: str | None = None,
) -> list[tuple[str, str]]:
    """The ``(label, amino acids)`` peptides :func:`transcript_domains` searches for one transcript.

    ``name`` only labels errors (SequenceError for a letter that is not a nucleotide or IUPAC code).
    """
    if frames not in ("longest", "three"):
        raise ValueRangeError(f"frames must be 'longest' or 'three', not {frames!r}", column="frames")
    if min_length < 1:
        raise ValueRangeError(f"min_length must be ≥ 1, not {min_length}", column="min_length")
    rna = validate_rna(sequence, row=name, letters=_NUCLEOTIDE_LETTERS)
    return _longest_orf_peptide(rna) if frames == "longest" else _frame_peptides(rna, min_length)


def _longest_orf_peptide(rna: str) -> list[tuple[str, str]]:
    orf = longest_orf(rna)
    if orf is None:
        return []
    start, end = orf
    return [(f"orf:{start + 1}-{end - 3}", translate(rna[start : end - 3]))]


def _frame_peptides(rna: str, min_length: int) -> list[tuple[str, str]]:
    """Stop-free stretches of each forward frame, ≥ ``min_length`` aa, with their nucleotide span."""
    found = []
    for frame in range(3):
        usable = frame + 3 * ((len(rna) - frame) // 3)
        position = 0  # amino-acid index in this frame
        for piece in translate(rna[frame:usable]).split("*"):
            if len(piece) >= min_length:
                first = frame + 3 * position
                found.append((f"frame{frame + 1}:{first + 1}-{first + 3 * len(piece)}", piece))
            position += len(piece) + 1
    return found


def _protein(name: str, sequence: str) -> str:
    """Upper-case amino acids without whitespace; SequenceError for a letter Easel cannot read."""
    protein = "".join(sequence.split()).upper()
    if not protein:
        raise SequenceError("empty protein sequence", row=name)
    bad = first_invalid_letter(protein, _PROTEIN_LETTERS)
    if bad is not None:
        raise SequenceError(f"letter {protein[bad]!r} at position {bad + 1} is not an amino acid", row=name)
    return protein


def _search(
    proteins: list[str],
    hmm_path: str | os.PathLike[str],
    *,
    evalue: float,
    cut_ga: bool,
    Z: int | None,  # noqa: N803
    scan_z: bool,
    cpus: int,
) -> list[tuple[int, tuple[str, str, float, float]]]:
    """``(protein index, (model name, accession, E-value, bits))`` for every reported hit, sorted.

    With ``Z`` None the search space is the number of models (``scan_z``) or of proteins.
    """
    if not evalue > 0:
        raise ValueRangeError(f"the E-value cutoff must be > 0, not {evalue}", column="evalue")
    if Z is not None and Z < 1:
        raise ValueRangeError(f"Z must be ≥ 1, not {Z}", column="Z")
    n_models = check_hmm_database(hmm_path, cut_ga=cut_ga)  # every file error before the search starts
    if not proteins:
        return []
    if Z is None and scan_z:
        Z = n_models
    targets = DigitalSequenceBlock(
        _AMINO, [TextSequence(name=str(i), sequence=p).digitize(_AMINO) for i, p in enumerate(proteins)]
    )
    options: dict[str, object] = {"bit_cutoffs": "gathering"} if cut_ga else {"E": evalue}
    if Z is not None:
        options["Z"] = Z
    found = []
    for top_hits in pyhmmer.hmmsearch(_iter_models(hmm_path, cut_ga=cut_ga), targets, cpus=cpus, **options):
        model = top_hits.query
        for hit in top_hits:
            if hit.reported:
                found.append((int(hit.name), (model.name, model.accession or "", hit.evalue, hit.score)))
    found.sort(key=lambda item: (item[0], item[1][2], item[1][0]))
    return found


def _iter_models(hmm_path: str | os.PathLike[str], *, cut_ga: bool) -> Iterator[HMM]:
    """Stream the models of a HMMER3 file, turning every reading problem into one InputFormatError."""
    name = str(hmm_path)
    count = 0
    try:
        with HMMFile(hmm_path) as models:
            for model in models:
                if not model.alphabet.is_amino():
                    raise InputFormatError(
                        f"model '{model.name}' is a {model.alphabet.type} profile; "
                        "protein domain search needs amino-acid HMMs",
                        file=name,
                    )
                if cut_ga and not model.cutoffs.gathering_available():
                    raise InputFormatError(f"model '{model.name}' has no GA gathering threshold (cut_ga)", file=name)
                count += 1
                yield model
    except pyhmmer.errors.AlphabetMismatch:
        # HMMFile fixes the alphabet from the first model, so a later DNA/RNA model lands here.
        culprit = _model_name_at(hmm_path, count)
        raise InputFormatError(
            f"model {culprit} is not an amino-acid profile; protein domain search needs amino-acid HMMs",
            file=name,
        ) from None
    except FileNotFoundError:
        raise InputFormatError("HMM file not found", file=name) from None
    except EOFError:
        raise InputFormatError("empty HMM file (expected HMMER3 profiles)", file=name) from None
    except (ValueError, OSError) as exc:
        raise InputFormatError(f"not a readable HMMER3 profile file ({str(exc).strip()})", file=name) from None
    if count == 0 or not _ends_with_record_end(hmm_path):
        # Easel silently drops a final model cut before its '//' line.
        raise InputFormatError("truncated HMM file: the last model does not end with '//'", file=name)


def _model_name_at(hmm_path: str | os.PathLike[str], index: int) -> str:
    """``'NAME'`` of the model at 0-based ``index`` in an ASCII HMM file, else ``number N``."""
    seen = -1
    try:
        with _open_text(hmm_path) as handle:
            for line in handle:
                if line.startswith("NAME"):
                    seen += 1
                    if seen == index:
                        return f"'{line.split(maxsplit=1)[1].strip()}'"
    except (OSError, UnicodeDecodeError, EOFError, IndexError):
        pass
    return f"number {index + 1}"


def _ends_with_record_end(hmm_path: str | os.PathLike[str]) -> bool:
    """Whether an ASCII HMM file's last non-blank line is ``//`` (binary and gzipped files: True)."""
    path = Path(hmm_path)
    if not path.is_file() or path.suffix == ".gz":
        return True  # pressed database (reads the .h3m beside it) or gzip: no cheap look at the end
    with path.open("rb") as handle:
        if handle.read(5) != b"HMMER":
            return True  # binary (.h3m) format: easel checks it
        handle.seek(max(0, path.stat().st_size - 256))
        tail = handle.read().rstrip()
    return tail.endswith(b"\n//") or tail == b"//"


def _open_text(hmm_path: str | os.PathLike[str]):
    return gzip.open(hmm_path, "rt") if str(hmm_path).endswith(".gz") else open(hmm_path)
