"""Command line: thin Typer wrappers over library functions.

Exit codes: 0 when every document was processed, 1 when some failed (the others
are still written), 2 on usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Extract trials, outcomes and effects from clinical review articles (Chinese / English).",
)
err = Console(stderr=True)
out = Console()


def _usage_error(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


def _load_config(pipeline: Path | None):
    from .errors import PipelineConfigError
    from .pipeline import load_pipeline

    try:
        return load_pipeline(pipeline)
    except PipelineConfigError as e:
        raise _usage_error(str(e)) from e


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="PDF, .txt/.md files or directories of them")],
    outdir: Annotated[Path, typer.Option("-o", "--out", help="output directory")] = Path("outputs"),
    pipeline: Annotated[Path | None, typer.Option("--pipeline", help="pipeline TOML")] = None,
    pdf_backend: Annotated[
        str | None, typer.Option("--pdf-backend", help="auto | pdfplumber | pdfium")
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="password of encrypted PDFs")] = None,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned pages with Tesseract")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="no summary table")] = False,
) -> None:
    """Run the pipeline over INPUTS and write records.jsonl, records.csv, documents.jsonl, text/."""
    from .pipeline import DocResult, expand_inputs
    from .pipeline import run as run_pipeline

    config = _load_config(pipeline)
    if pdf_backend not in (None, "auto", "pdfplumber", "pdfium"):
        raise _usage_error(f"--pdf-backend {pdf_backend!r}: choose auto, pdfplumber or pdfium")
    try:
        paths = expand_inputs(inputs)
    except FileNotFoundError as e:
        raise _usage_error(f"{e}: no such file or directory") from e
    if not paths:
        raise _usage_error("no PDF, .txt or .md documents in " + ", ".join(map(str, inputs)))

    def report(res: DocResult) -> None:
        if res.status != "ok":
            err.print(f"error: {res.path}: {res.error}", highlight=False, soft_wrap=True)

    options = {"pdf_backend": pdf_backend, "password": password, "ocr": ocr}
    results = run_pipeline(paths, outdir, config, on_result=report, **options)
    if not quiet:
        table = Table(title=f"{len(results)} documents → {outdir}")
        for col in ("document", "lang", "pages", "trials", "outcomes", "effects", "status"):
            table.add_column(col, justify="right" if col in ("pages", "trials", "outcomes", "effects") else "left")
        for res in results:
            c = res.summary()["counts"]
            table.add_row(
                str(res.path), res.lang or "-", str(res.pages), str(c["trial"]), str(c["outcome"]),
                str(c["effect"]), "ok" if res.status == "ok" else f"[red]failed[/red]: {res.error_code}",
            )
        out.print(table)
    failed = [r for r in results if r.status != "ok"]
    if failed:
        err.print(f"{len(failed)} of {len(results)} documents failed:", highlight=False)
        for r in failed:
            err.print(f"  {r.path}: {r.error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


@app.command()
def read(
    file: Annotated[Path, typer.Argument(help="a PDF, .txt or .md file")],
    pipeline: Annotated[Path | None, typer.Option("--pipeline", help="pipeline TOML")] = None,
    pdf_backend: Annotated[str | None, typer.Option("--pdf-backend")] = None,
    password: Annotated[str | None, typer.Option("--password")] = None,
    ocr: Annotated[bool, typer.Option("--ocr")] = False,
) -> None:
    """Print the normalized text of one document with page markers."""
    from .errors import ReaderError
    from .pipeline import DocState

    config = _load_config(pipeline)
    state = DocState(path=file, options={"pdf_backend": pdf_backend, "password": password, "ocr": ocr})
    from .pipeline import STAGES

    try:
        for name, settings in config.stages:
            if name in ("extract.read.v1", "extract.normalize.v1"):
                STAGES[name](state, settings)
    except ReaderError as e:
        err.print(f"error: {e.path}: {e.reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from e
    nd = state.nd
    assert nd is not None
    current = None
    buf: list[str] = []
    for i, ch in enumerate(nd.text):
        page = nd.page_of(i)
        if page != current:
            buf.append(f"\n=== page {page} ===\n")
            current = page
        buf.append(ch)
    sys.stdout.write("".join(buf).lstrip("\n") + "\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record."""
    from .records import record_json_schema

    sys.stdout.write(json.dumps(record_json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="directory of gold files")] = Path("corpus/gold"),
    pred: Annotated[Path, typer.Option("--pred", help="records.jsonl written by `extract run`")] = Path(
        "outputs/records.jsonl"
    ),
    report: Annotated[Path | None, typer.Option("--report", help="write metrics.json, report.html here")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="metrics file to compare with")] = None,
) -> None:
    """Score predictions against the gold corpus (RECORDS.md matching rules)."""
    from .report import evaluate_command

    code = evaluate_command(gold, pred, report_dir=report, baseline=baseline, console=out)
    raise typer.Exit(code)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
