"""The flat Python API (rnakit.design / predict / train / load_table) and its promise: one request gives
the same answer from the CLI, the web app and Python."""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from Bio.Seq import Seq
from Bio.SeqRecord import SeqRecord
from typer.testing import CliRunner

import rnakit
from rnakit.cli import app
from rnakit.errors import InputFormatError, SequenceError
from rnakit.requests import RequestError
from rnakit.seq.fasta import read_fasta_records
from rnakit.serve.design import form_request
from rnakit.sirna.columns import ColumnOptions
from rnakit.sirna.design.options import example_target
from rnakit.sirna.design.request import DesignRequest
from rnakit.sirna.requests import PredictRequest, TrainRequest
from tests.conftest import EXAMPLES
from tests.serve.helpers import serving, wait_until

cli = CliRunner()
TINY = EXAMPLES / "tiny_sirna.csv"


def run_cli(*args: str) -> None:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def gapdh() -> tuple[str, str, str]:
    return read_fasta_records(example_target())[0]  # (id, header, sequence)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("serve")) as client:
        yield client


def test_import_rnakit_loads_no_library_and_names_the_api():
    code = "import sys, rnakit; print(sorted(m for m in ('pandas', 'torch', 'lightgbm') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    assert {"design", "predict", "train", "load_table", "hybridise", "coding_potential"} <= set(rnakit.__all__)
    assert callable(rnakit.design) and "design" in dir(rnakit)
    with pytest.raises(AttributeError, match="no attribute 'desing'"):
        rnakit.desing  # noqa: B018


# --- design ------------------------------------------------------------------------------------------

def _top(table: pd.DataFrame) -> list[tuple[int, str]]:
    chosen = table[table["chosen"]].sort_values("rank")
    return list(zip(chosen["rank"].astype(int), chosen["guide"]))


def test_design_takes_a_path_a_sequence_fasta_text_or_a_seqrecord(gapdh):
    record, header, sequence = gapdh
    from_file = rnakit.design(example_target(), top=3)
    assert len(_top(from_file)) == 3 and from_file["candidate"].iloc[0].startswith(f"{record}:")
    # The same transcript as text gives the same candidates (named 'target' when the text names none).
    from_text = rnakit.design(sequence, top=3)
    assert _top(from_text) == _top(from_file)
    assert from_text["candidate"].iloc[0].startswith("target:")
    from_fasta = rnakit.design(f">{header}\n{sequence}\n", top=3)
    from_record = rnakit.design(SeqRecord(Seq(sequence), id=record, description=header), top=3)
    for table in (from_fasta, from_record):
        pd.testing.assert_frame_equal(table, from_file)


def test_design_of_a_list_marks_each_record(gapdh):
    sequence = gapdh[2]
    table = rnakit.design([sequence[:500], sequence[500:]], top=2, length="19")
    assert list(table.columns[:2]) == ["record", "candidate"]
    assert table["record"].unique().tolist() == ["target_1", "target_2"]
    # 500 nt give 500 - 21 + 1 windows of 19 + 2 overhang nt (GAPDH has no N), the rest likewise.
    assert (table["record"] == "target_1").sum() == 500 - 21 + 1
    assert (table["record"] == "target_2").sum() == len(sequence) - 500 - 21 + 1
    assert table.groupby("record")["chosen"].sum().tolist() == [2, 2]


def test_design_errors_name_the_input_or_the_field(gapdh):
    with pytest.raises(SequenceError, match="^given sequence: record target: column 'sequence'"):
        rnakit.design("ACGUXACGU" * 10)
    with pytest.raises(InputFormatError, match="not int"):
        rnakit.design(42)
    with pytest.raises(RequestError, match=r"^field 'top': 0 must be ≥ 1$"):
        rnakit.design(gapdh[2], top=0)
    with pytest.raises(RequestError, match=r"^field 'colour': unknown field"):
        rnakit.design(gapdh[2], colour="red")


def test_design_gives_one_answer_from_the_cli_the_web_app_and_python(client, tmp_path):
    request = DesignRequest(example=True, top=4, length=(19,), gc=(35.0, 60.0), skip_filters=("start_codon",),
                            max_seed_tm=21.5, out=tmp_path / "cli")
    run_cli(*shlex.split(request.cli_command())[1:])
    from_cli = pd.read_csv(tmp_path / "cli" / "candidates.tsv", sep="\t")

    form = {"example": "true", "length": "19", "top": "4", "gc": "35-60", "skip_filters": "start_codon",
            "max_seed_tm": "21.5"}
    assert dataclasses.replace(form_request(form), example=True, out=request.out) == request  # the page's fields
    submitted = client.post("/api/design", data=form)
    assert submitted.json()["cli"] == dataclasses.replace(request, out=Path("OUT")).cli_command()
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done", status
    from_web = client.get(status["result_url"]).json()["top"]

    from_python = rnakit.design(**{**request.to_dict(), "out": None})

    assert _top(from_python) == _top(from_cli) == [(row["rank"], row["guide"]) for row in from_web]
    chosen = from_python[from_python["chosen"]].sort_values("rank")
    np.testing.assert_allclose(chosen["predicted_remaining_pct"],
                               [row["predicted_remaining_pct"] for row in from_web], rtol=1e-3)
    # Written as the CLI writes candidates.tsv, Python's table is that file, byte for byte.
    written = from_python.to_csv(sep="\t", index=False, float_format="%.4g", lineterminator="\n")
    assert written == (tmp_path / "cli" / "candidates.tsv").read_text()


def test_design_with_out_designs_once_and_writes_the_cli_files(tmp_path, monkeypatch):
    from rnakit.sirna.design import design, job, runner

    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return design.design_target(*args, **kwargs)

    for module in (job, runner):  # every caller of the design core
        monkeypatch.setattr(module, "design_target", counted)
    table = rnakit.design(example_target(), top=3, length="19", out=tmp_path / "python")
    assert len(calls) == 1
    run_cli("sirna", "design", "--example", "--top", "3", "--length", "19", "-o", str(tmp_path / "cli"), "--quiet")
    assert len(calls) == 2
    files = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert sorted(p.name for p in (tmp_path / "python").iterdir()) == files
    for name in ("candidates.tsv", "top.fasta", "sites.bed", "design.json", "report.html"):
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    written = table.to_csv(sep="\t", index=False, float_format="%.4g", lineterminator="\n")
    assert written == (tmp_path / "python" / "candidates.tsv").read_text()


def test_design_with_out_never_writes_over_its_input(tmp_path, gapdh):
    fasta = tmp_path / "target.fa"
    fasta.write_text(f">{gapdh[0]}\n{gapdh[2][:300]}\n")
    with pytest.raises(Exception, match="target.fa"):
        rnakit.design(fasta, top=2, out=tmp_path)
    assert fasta.read_text().startswith(f">{gapdh[0]}")


def test_design_of_several_records_with_out_designs_each_once(tmp_path, gapdh, monkeypatch):
    from rnakit.sirna.design import design, job, runner

    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return design.design_target(*args, **kwargs)

    for module in (job, runner):
        monkeypatch.setattr(module, "design_target", counted)
    sequence = gapdh[2]
    table = rnakit.design([sequence[:400], sequence[400:800]], top=2, length="19", workers=1, out=tmp_path / "d")
    assert len(calls) == 2
    for record in ("target_1", "target_2"):
        written = (tmp_path / "d" / record / "candidates.tsv").read_text()
        own = table[table["record"] == record].drop(columns="record")
        assert own.to_csv(sep="\t", index=False, float_format="%.4g", lineterminator="\n") == written
    assert (tmp_path / "d" / "summary.tsv").is_file()


# --- the request's command line, read back by the CLI ---------------------------------------------------

def test_the_cli_reads_a_design_requests_command_line_back_into_the_same_request(tmp_path, monkeypatch):
    from rnakit.sirna.design import job

    seen = []
    monkeypatch.setattr(job, "run", lambda request, *args, **kwargs: seen.append(request) or [])
    isoforms = tmp_path / "iso forms.fa"
    isoforms.write_text(">iso\nACGU\n")
    request = DesignRequest(example=True, out=tmp_path / "o", length=(19, 20, 21), overhang=1, top=7, spacing=0,
                            gc=(25.5, 70.0), skip_filters=("runs", "gc_stretch"), max_seed_tm=20.0, immune_motifs=True,
                            conc_nm=5.0, hours=48.0, cell_line="HeLa cells", same_gene="^GAPDH", aligner="kmer",
                            isoforms=isoforms, max_af=0.01, workers=2, threads=1)
    result = cli.invoke(app, shlex.split(request.cli_command())[1:])
    assert result.exit_code == 0, result.output
    assert seen == [request]


def test_requests_round_trip_through_json():
    design = DesignRequest(target=Path("a/b.fa"), length=(23,), gc=(20.0, 70.5), conserved_in=(Path("m.fa"),),
                           pattern="esc-sais", conc_nm=1.5, skip_filters=("gc", "runs"), immune_motifs=True)
    assert DesignRequest.from_json(design.to_json()) == design
    assert json.loads(design.to_json())["conserved_in"] == ["m.fa"]
    train = TrainRequest(data="x.csv", out=Path("run"), model="lgbm-rank", cv="duplex", folds=3, groups=("thermo",),
                         columns=ColumnOptions(guide_col="as", label_col="y", label_kind="inhibition"))
    assert TrainRequest.from_json(train.to_json()) == train
    assert train.cli_command() == ("rnakit sirna train --data x.csv --out run --model lgbm-rank --cv duplex --folds 3 "
                                   "--groups thermo --guide-col as --label-col y --label-kind inhibition")
    assert PredictRequest.from_json(PredictRequest(data="x.csv", threads=2).to_json()) == PredictRequest(data="x.csv",
                                                                                                       threads=2)


def test_request_errors_name_the_field_and_the_cli_names_the_flag():
    with pytest.raises(RequestError) as caught:
        DesignRequest.from_dict({"example": True, "pattern": "esc"})
    assert str(caught.value).startswith("field 'pattern': pattern 'esc' spells a 23-nt guide")
    assert caught.value.for_cli().startswith("option '--modification-pattern': pattern 'esc' spells")
    with pytest.raises(RequestError, match=r"^field 'cv': unknown split 'shuffle'"):
        TrainRequest(data="x.csv", cv="shuffle").check()
    with pytest.raises(RequestError, match=r"^field 'groups': unknown feature group 'colour'"):
        TrainRequest(data="x.csv", groups=("colour",)).check()
    with pytest.raises(RequestError, match=r"^field 'data': give the siRNA table"):
        PredictRequest().check()


# --- load_table, predict, train ----------------------------------------------------------------------

def test_load_table_reads_a_dataframe_as_it_reads_a_file(tmp_path):
    frame = pd.DataFrame({"antisense": ["UUCGAAGUAUUCCGCGUACGU", "ACGUACGUACGUACGUACGUA"],
                          "knockdown": [60.0, 25.0]})
    table = rnakit.load_table(frame, guide_col="antisense", label_col="knockdown", label_kind="inhibition")
    assert table["guide"].tolist() == frame["antisense"].tolist()
    assert table["remaining_pct"].tolist() == [40.0, 75.0]  # % knockdown → % left
    frame.to_csv(tmp_path / "mine.csv", index=False)
    from_file = rnakit.load_table(tmp_path / "mine.csv", guide_col="antisense", label_col="knockdown",
                                  label_kind="inhibition")
    assert from_file[["guide", "remaining_pct"]].equals(table[["guide", "remaining_pct"]])
    assert rnakit.load_table(table) is not table and rnakit.load_table(table).equals(table)  # already canonical
    competition = rnakit.load_table(pd.read_csv(TINY))
    assert competition["guide"].tolist() == rnakit.load_table(TINY)["guide"].tolist()
    with pytest.raises(InputFormatError, match="^DataFrame: neither a canonical table nor the competition format"):
        rnakit.load_table(frame)


def test_predict_gives_one_answer_from_the_cli_the_web_app_and_python(client, tmp_path):
    request = PredictRequest(model="default", data=str(TINY), output=tmp_path / "cli.csv", threads=1)
    run_cli(*shlex.split(request.cli_command(model="default"))[1:])
    from_cli = pd.read_csv(tmp_path / "cli.csv", dtype={"id": str})

    submitted = client.post("/api/predict/upload", data={"model": "default"},
                            files={"file": ("tiny_sirna.csv", TINY.read_bytes(), "text/csv")})
    status = wait_until(client, submitted.json()["id"])
    assert status["state"] == "done", status
    from_web = pd.DataFrame(client.get(status["result_url"]).json()["rows"])

    from_path = rnakit.predict(TINY, threads=1)
    from_frame = rnakit.predict(pd.read_csv(TINY), model="default", threads=1)

    assert list(from_path.columns) == list(from_cli.columns) == ["id", "mRNA_remaining_pct"]
    assert from_path["id"].astype(str).tolist() == from_cli["id"].tolist() == [str(i) for i in range(1, 13)]
    for other in (from_cli, from_web, from_frame):
        np.testing.assert_allclose(from_path["mRNA_remaining_pct"], other["mRNA_remaining_pct"], rtol=1e-9)


def test_train_gives_the_cli_runs_held_out_predictions(tmp_path):
    options = {"model": "lgbm", "cv": "random", "folds": 3, "seed": 1, "groups": ("composition", "thermo"), "threads": 1}
    request = TrainRequest(data=str(TINY), out=tmp_path / "run", **options)
    run_cli(*shlex.split(request.cli_command())[1:])
    from_cli = pd.read_csv(tmp_path / "run" / "oof.csv", dtype={"id": str})

    oof = rnakit.train(TINY, **options)
    assert list(oof.columns) == ["id", "fold", "measured", "predicted"]
    pd.testing.assert_frame_equal(oof, from_cli)
    assert oof.attrs["cv"]["strategy"] == "random" and oof.attrs["cv"]["folds"] == 3
    assert sorted(oof["fold"].value_counts()) == [4, 4, 4]  # 12 rows in 3 random folds
    # Kept with out=: the run folder then predicts as a model.
    rnakit.train(TINY, out=tmp_path / "kept", **options)
    again = rnakit.predict(TINY, model=tmp_path / "kept", threads=1)
    assert len(again) == 12 and again["mRNA_remaining_pct"].notna().all()
    with pytest.raises(RequestError, match="^field 'cv': 'none' gives no held-out predictions"):
        rnakit.train(TINY, cv="none")


def test_the_forms_show_the_requests_defaults(client):
    design_page, predict_page = client.get("/design").text, client.get("/predict").text
    for name in ("length", "top", "gc", "overhang", "conc_nm", "hours", "cell_line"):
        assert f'name="{name}" value="{DesignRequest.spelt_default(name)}"' in design_page
    assert 'name="gc" value="30-64"' in design_page and 'name="cell_line" value="Hep3B Cells"' in design_page
    for name in ("conc_nm", "hours", "cell_line"):
        assert f'name="{name}" value="{DesignRequest.spelt_default(name)}"' in predict_page


def test_design_target_takes_a_sequence_or_a_seqrecord(gapdh):
    from rnakit.sirna.design import design_target, make_target

    record, header, sequence = gapdh
    expected = design_target(make_target(record, header, sequence[:400])).top
    for given in (f">{header}\n{sequence[:400]}", SeqRecord(Seq(sequence[:400]), id=record, description=header)):
        pd.testing.assert_frame_equal(design_target(given).top, expected)
    with pytest.raises(InputFormatError, match="^given sequence: 2 records: design_target designs one"):
        design_target([sequence[:100], sequence[100:200]])
