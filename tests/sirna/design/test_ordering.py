"""Issue 20, item 6: named modification patterns, asymmetric (23/21) layouts and order.tsv."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from typer.testing import CliRunner

from rnakit.cli import app
from rnakit.errors import ValueRangeError
from rnakit.seq.alphabet import reverse_complement_rna
from rnakit.sirna.design.design import DesignSettings, design_target
from rnakit.sirna.design.options import check_pattern_layout
from rnakit.sirna.design.ordering import idt_notation, order_table
from rnakit.sirna.design.patterns import NAMED_PATTERNS, parse_pattern
from rnakit.sirna.design.report import write_design
from rnakit.sirna.design.targets import make_target


def test_esc_sais_spells_a_competition_duplex_as_the_competition_file_does():
    # SAIS 2024 training row 7 (duplex AD-158499), its *_seq_list columns as published.
    guide, passenger = parse_pattern("esc-sais")
    assert " ".join(guide.apply("UGCCAUAUUGGACUUGGAACCAA")) == \
        "u Gf c c a Uf a Uf Uf g g a c Uf u Gf g a a c c a a"
    assert " ".join(passenger.apply("GGUUCCAAGUCCAAUAUGGCA")) == \
        "g g u u c c Af a Gf Uf Cf c a a u a u g g c a L96"


def test_esc_is_esc_sais_with_phosphorothioates_at_the_ends():
    guide, passenger = parse_pattern("esc")
    tokens = guide.apply("UGCCAUAUUGGACUUGGAACCAA")
    assert tokens[:4] == ("u", "s", "Gf", "s") and tokens[-5:] == ("c", "s", "a", "s", "a")
    assert passenger.apply("GGUUCCAAGUCCAAUAUGGCA")[:4] == ("g", "s", "g", "s")
    without = [[t for t in part.split() if t != "s"] for part in NAMED_PATTERNS["esc"].split(";")]
    assert without == [part.split() for part in NAMED_PATTERNS["esc-sais"].split(";")]


def test_dtdt_overhangs_replace_the_strand_bases_there():
    guide, passenger = parse_pattern("unmodified-dTdT")
    assert guide.apply("ACGUACGUACGUACGUACGCA") == tuple("ACGUACGUACGUACGUACG") + ("dT", "dT")
    assert idt_notation(guide.apply("ACGUACGUACGUACGUACGCA")) == "rArCrGrU" * 4 + "rArCrG" + "TT"


def test_idt_notation_by_hand():
    assert idt_notation(("P", "a", "s", "Gf", "c", "Uf", "dT", "s", "dT")) == "/5Phos/mA*/i2FG/mC/i2FU/T*T"
    # 2'-F at the 5' and 3' ends takes IDT's end codes; chemistries without a code stay in braces.
    assert idt_notation(("VP", "Af", "u", "(Agn)", "Cf", "L96")) == "{VP}/52FA/mU{(Agn)}/32FC/{L96}"


def test_a_pattern_that_does_not_fit_the_layout_is_refused_in_one_line():
    check_pattern_layout("esc", (23,), 2)
    check_pattern_layout("unmodified-dTdT", (21,), 2)
    with pytest.raises(ValueRangeError, match=r"'esc' spells a 23-nt guide and a 21-nt passenger blunt .*--length 23 --overhang 2"):
        check_pattern_layout("esc", (21,), 2)
    with pytest.raises(ValueRangeError, match="passenger longer than its guide"):
        check_pattern_layout("N N ; N N N", (2,), 0)


def test_asymmetric_design_orders_a_blunt_passenger_and_writes_order_tsv(tmp_path):
    rng = random.Random(11)
    sequence = "".join(rng.choice("ACGU") for _ in range(200))
    target = make_target("NM_T", "NM_T", sequence, file="x.fa")
    design = design_target(target, DesignSettings(lengths=(23,), top=2, pattern="esc-sais"))
    top = design.top
    for row in top.itertuples():
        # The 23-nt guide pairs with target start..end; the 21-nt passenger is the target's last 21 of them.
        assert reverse_complement_rna(row.guide) == sequence[row.start - 1 : row.end]
        assert row.passenger == sequence[row.start + 1 : row.end] == reverse_complement_rna(row.guide[:21])
    write_design(design, tmp_path)
    order = pd.read_csv(tmp_path / "order.tsv", sep="\t")
    assert list(order["strand"]) == ["guide", "passenger"] * 2
    assert list(order["nt"]) == [23, 21] * 2
    first = top.iloc[0]
    assert order["name"][0] == f"{first['candidate']}_guide" and order["sequence"][1] == first["passenger"]
    assert order["competition"][1].endswith(" L96") and order["idt"][1].endswith("{L96}")
    assert design.settings.model == "default"  # a pattern scores with the competition model


def test_no_order_tsv_without_a_pattern(tmp_path):
    rng = random.Random(12)
    target = make_target("NM_U", "NM_U", "".join(rng.choice("ACGU") for _ in range(120)), file="x.fa")
    write_design(design_target(target, DesignSettings(top=1)), tmp_path)
    assert not (tmp_path / "order.tsv").exists()


def test_order_table_leaves_a_passenger_without_pattern_unmodified():
    top = pd.DataFrame({"rank": [1], "candidate": ["c"], "guide": ["ACGU"], "passenger": ["ACGU"]})
    order = order_table(top, "n Nf n s n")
    assert list(order["competition"]) == ["a Cf g s u", "A C G U"]
    assert list(order["idt"]) == ["mA/i2FC/mG*mU", "rArCrGrU"]


def test_cli_modification_pattern_and_gtf_give_order_tsv_and_a_genome_bed(tmp_path):
    gtf = tmp_path / "gapdh.gtf"  # the bundled NM_002046 (1,285 nt) as two made exons on chr12's − strand
    gtf.write_text("".join(f"chr12\tmade\texon\t{a}\t{b}\t.\t-\t.\ttranscript_id \"NM_002046.7\";\n"
                           for a, b in ((1001, 1600), (2001, 2685))))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sirna", "design", "--example", "-o", str(out), "--top", "3",
                                      "--modification-pattern", "unmodified-dTdT", "--gtf", str(gtf)])
    assert result.exit_code == 0, result.output
    order = pd.read_csv(out / "order.tsv", sep="\t")
    assert len(order) == 6 and order["idt"].str.endswith("TT").all() and order["sequence"].str.endswith("UU").all()
    bed = [line.split("\t") for line in (out / "sites.bed").read_text().splitlines()]
    assert len(bed) == 3 and {(f[0], f[5], len(f)) for f in bed} == {("chr12", "-", 12)}
    wrong = CliRunner().invoke(app, ["sirna", "design", "--example", "-o", str(tmp_path / "x"),
                                     "--modification-pattern", "esc"])
    assert wrong.exit_code == 1 and "'esc' spells a 23-nt guide" in wrong.output
