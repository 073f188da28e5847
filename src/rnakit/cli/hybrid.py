"""``rnakit hybrid``: RNAhybrid-style hybridisation of short RNAs (miRNAs, siRNA guides) with targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from rnakit.errors import SequenceError, ValueRangeError
from rnakit.hybrid.formats import FORMATS

if TYPE_CHECKING:
    from rnakit.hybrid.search import SearchOptions
    from rnakit.hybrid.stats import Evd

# The search (numba) and pandas are imported inside the commands so that building the command line
# stays fast.

hybrid_app = typer.Typer(
    help="RNA–RNA hybridisation (RNAhybrid-style): where a miRNA or siRNA guide binds a target, "
    "how strongly (Turner 2004 energies), how significantly (p-values) and with which seed type.",
    no_args_is_help=True,
)

P_VALUE_MODES = ("none", "calibrate")
PAIR_COLUMNS = ("mfe", "p_value", "position", "target_first", "target_last", "n_pairs", "seed_type",
                "seed_wc_pairs", "seed_gu_pairs", "seed_unpaired", "seed_helix")

EnergyCutoff = Annotated[Optional[float], typer.Option("-e", "--energy-cutoff", help="Report only hits with mfe ≤ this (kcal/mol).")]
Helix = Annotated[Optional[str], typer.Option("-f", "--helix", help="FROM,TO: query positions (1-based) that must pair as one unbroken helix, e.g. 2,8 for the seed.")]
MaxInternal = Annotated[int, typer.Option("-u", "--max-internal", help="Longest interior-loop side (nt).")]
MaxBulge = Annotated[int, typer.Option("-v", "--max-bulge", help="Longest bulge (nt).")]
PValues = Annotated[str, typer.Option("--p-values", help="none, or calibrate: fit RNAhybrid's extreme-value law per query on dinucleotide shuffles of the targets (cached).")]
EvdOption = Annotated[Optional[str], typer.Option("-d", "--evd", help="LOCATION,SCALE of the extreme-value law, as RNAhybrid -d (instead of calibrating).")]
SetOption = Annotated[Optional[str], typer.Option("-s", "--set", help="A fixed parameter set, as RNAhybrid -s: 3utr_human (the law follows from the query's minimal duplex energy; see scripts/fit_hybrid_sets.py).")]


def _evd(text: str | None) -> Evd | None:
    from rnakit.hybrid.inputs import parse_pair
    from rnakit.hybrid.stats import Evd

    if text is None:
        return None
    location, scale = parse_pair(text, float, "--evd", "LOCATION,SCALE (two numbers)")
    if scale <= 0:
        raise ValueRangeError(f"scale {scale} must be > 0", column="--evd")
    return Evd(location, scale)


def _options(energy_cutoff: float | None, helix: str | None, max_internal: int, max_bulge: int, hits: int) -> SearchOptions:
    from rnakit.hybrid.inputs import parse_helix
    from rnakit.hybrid.search import SearchOptions

    options = SearchOptions(energy_cutoff=energy_cutoff, helix=parse_helix(helix), max_internal=max_internal,
                            max_bulge=max_bulge, hits=hits)
    options.check()
    return options


def _check_p_values(mode: str, evd: str | None, set_name: str | None) -> None:
    from rnakit.hybrid.significance import shipped_sets

    if mode not in P_VALUE_MODES:
        raise ValueRangeError(f"unknown mode {mode!r} (known: {', '.join(P_VALUE_MODES)})", column="--p-values")
    if (mode != "none") + (evd is not None) + (set_name is not None) > 1:
        raise ValueRangeError("give one of --p-values calibrate, --evd and --set", column="--p-values")
    if set_name is not None and set_name not in shipped_sets():
        raise ValueRangeError(f"unknown parameter set {set_name!r} (known: {', '.join(sorted(shipped_sets()))})",
                              column="--set")


def _laws(queries: list[str], targets: list[str], options: SearchOptions, mode: str, evd: str | None,
          set_name: str | None) -> dict[str, Evd]:
    """The extreme-value law of each query (by sequence), or none when no p-values were asked for."""
    from rnakit.hybrid.significance import calibrated_evd, fixed_set_evd

    distinct = sorted(set(queries))
    if evd is not None:
        fixed = _evd(evd)
        return {q: fixed for q in distinct}
    if set_name is not None:
        return {q: fixed_set_evd(set_name, q) for q in distinct}
    if mode == "calibrate":
        return {q: calibrated_evd(q, targets, options) for q in distinct}
    return {}


@hybrid_app.command("search")
def search_command(
    query: Annotated[Path, typer.Option("-q", "--query", help="FASTA of short RNAs (≤ 30 nt): miRNAs or siRNA guides; - for standard input.")],
    target: Annotated[Path, typer.Option("-t", "--target", help="FASTA of targets (mRNAs, 3'UTRs); - for standard input.")],
    energy_cutoff: EnergyCutoff = None,
    helix: Helix = None,
    max_internal: MaxInternal = 15,
    max_bulge: MaxBulge = 15,
    hits: Annotated[int, typer.Option("-b", "--hits", help="Hits per target and query (non-overlapping, best first).")] = 1,
    p_values: PValues = "none",
    evd: EvdOption = None,
    set_name: SetOption = None,
    p_cutoff: Annotated[Optional[float], typer.Option("-p", "--p-cutoff", help="Report only hits with p-value ≤ this (needs --evd or --p-values calibrate).")] = None,
    fmt: Annotated[str, typer.Option("--format", help=f"Output: {', '.join(FORMATS)} (rnahybrid and compact as RNAhybrid prints them).")] = "rnahybrid",
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Write here (atomically) instead of standard output (- is standard output).")] = None,
) -> None:
    """Find where each query binds each target, as RNAhybrid does (same options, same output)."""
    from rnakit.files import output_or_stdout
    from rnakit.hybrid.formats import check_compact_id, write_hits
    from rnakit.hybrid.hit import Hit
    from rnakit.hybrid.inputs import QUERY_LETTERS, TARGET_LETTERS, check_helix_fits, read_records
    from rnakit.hybrid.search import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, search
    from rnakit.hybrid.significance import with_p_value
    from rnakit.outputs import check_output_file

    from rnakit.cli.stdio import input_path, is_stdio

    if is_stdio(out):  # '-o -': standard output, as when -o is absent
        out = None
    if out is not None:
        check_output_file(out, inputs=[query, target])
    options = _options(energy_cutoff, helix, max_internal, max_bulge, hits)
    _evd(evd)
    _check_p_values(p_values, evd, set_name)
    if fmt not in FORMATS:
        raise ValueRangeError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})", column="--format")
    if p_cutoff is not None and evd is None and set_name is None and p_values == "none":
        raise ValueRangeError("a p-value cut-off needs --evd, --set or --p-values calibrate", column="--p-cutoff")
    if is_stdio(query) and is_stdio(target):
        raise ValueRangeError("only one of --query and --target can be - (standard input)", column="--query")
    with input_path(query) as source:  # '-': standard input, through a temporary file
        queries = read_records(source, "query", longest=MAX_QUERY_LENGTH, letters=QUERY_LETTERS, file=str(query))
    with input_path(target) as source:
        targets = read_records(source, "target", longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS, file=str(target))
    if fmt == "compact":  # refuse ids the compact line cannot hold before any output
        for path, field, records in ((query, "query", queries), (target, "target", targets)):
            for record_id, _ in records:
                check_compact_id(record_id, field, file=str(path))
    check_helix_fits(options.helix, queries, file=str(query))
    laws = _laws([q for _, q in queries], [t for _, t in targets], options, p_values, evd, set_name)

    def found() -> Iterator[Hit]:
        for hit in search(queries, targets, options):
            law = laws.get(hit.query)
            hit = with_p_value(hit, law) if law is not None else hit
            if p_cutoff is None or (hit.p_value is not None and hit.p_value <= p_cutoff):
                yield hit

    with output_or_stdout(out) as handle:
        write_hits(found(), handle, fmt)


@hybrid_app.command("pairs")
def pairs_command(
    table: Annotated[Path, typer.Argument(help="CSV/TSV with one (query, target) pair per row; - for standard input.")],
    query_col: Annotated[str, typer.Option("--query-col", help="Column with the short RNA (miRNA, guide).")],
    target_col: Annotated[str, typer.Option("--target-col", help="Column with the target sequence.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="TSV to write: the input columns plus the scores; - for standard output.")],
    helix: Helix = None,
    max_internal: MaxInternal = 15,
    max_bulge: MaxBulge = 15,
    p_values: PValues = "none",
    evd: EvdOption = None,
    set_name: SetOption = None,
) -> None:
    """Score each row's pair: mfe, p-value, RNAhybrid position, seed type and seed pairing."""
    import pandas as pd

    from rnakit.cli.stdio import input_path, is_stdio, text_output
    from rnakit.hybrid.inputs import QUERY_LETTERS, TARGET_LETTERS
    from rnakit.hybrid.search import MAX_QUERY_LENGTH, MAX_TARGET_LENGTH, check_sequence
    from rnakit.outputs import check_output_file
    from rnakit.tabular import read_delimited

    if not is_stdio(out):
        check_output_file(out, inputs=[table])
    options = _options(None, helix, max_internal, max_bulge, 1)
    _evd(evd)
    _check_p_values(p_values, evd, set_name)
    with input_path(table) as source:  # '-': standard input, through a temporary file
        frame = read_delimited(source, dtype=str, required=(query_col, target_col))
    pairs = []
    for row, (query_seq, target_seq) in enumerate(zip(frame[query_col], frame[target_col]), start=2):
        try:
            pairs.append((check_sequence(query_seq if isinstance(query_seq, str) else "", "query", None,
                                         longest=MAX_QUERY_LENGTH, letters=QUERY_LETTERS),
                          check_sequence(target_seq if isinstance(target_seq, str) else "", "target", None,
                                         longest=MAX_TARGET_LENGTH, letters=TARGET_LETTERS)))
        except (SequenceError, ValueRangeError) as error:
            column = query_col if error.column == "query" else target_col
            raise type(error)(error.detail, file=str(table), row=row, column=column) from None
    laws = _laws([q for q, _ in pairs], sorted({t for _, t in pairs}), options, p_values, evd, set_name)
    scored = {pair: _score_pair(*pair, options, laws.get(pair[0])) for pair in dict.fromkeys(pairs)}
    scores = [scored[pair] for pair in pairs]  # rows repeating a pair share its search
    result = pd.concat([frame, pd.DataFrame(scores, columns=list(PAIR_COLUMNS), index=frame.index)], axis=1)
    with text_output(out) as handle:
        result.to_csv(handle, sep="\t", index=False)


def _score_pair(query: str, target: str, options: SearchOptions, law: Evd | None) -> dict:
    """The pair's best hit as the PAIR_COLUMNS (empty when nothing binds)."""
    from rnakit.hybrid.formats import hit_position
    from rnakit.hybrid.search import hybridise
    from rnakit.hybrid.seeds import seed_pairing
    from rnakit.hybrid.significance import with_p_value

    hits = hybridise(query, target, options)
    if not hits:
        return dict.fromkeys(PAIR_COLUMNS)
    hit = with_p_value(hits[0], law) if law is not None else hits[0]
    seed = seed_pairing(hit) if len(query) >= 8 else {}
    return {"mfe": hit.energy, "p_value": hit.p_value, "position": hit_position(hit),
            "target_first": hit.target_first + 1, "target_last": hit.target_last + 1, "n_pairs": len(hit.pairs),
            "seed_type": seed.get("type"), "seed_wc_pairs": seed.get("wc_pairs"), "seed_gu_pairs": seed.get("gu_pairs"),
            "seed_unpaired": seed.get("unpaired"), "seed_helix": seed.get("contiguous")}
