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


def _plain_help() -> None:
    """Help that reads like a person wrote it: ``INPUT...`` not ``{INPUT...}`` or
    ``{inputs}...``, ``PATH`` not ``<path>``, no ``<list[Path]>`` type tags (the metavars
    and help texts say what a value is).

    Typer 0.28 (the version pyproject.toml pins) writes those in ``make_metavar``, 0.29 in
    ``_usage_display_name`` / ``display_type``; this adapts whichever methods exist, and
    leaves any other Typer version as it is."""
    import inspect

    from typer import core

    plain = {"<path>": "PATH", "<str>": "TEXT", "<int>": "N", "<float>": "NUMBER"}

    def plain_type(t: str) -> str:
        if t.startswith("<") and t.endswith(">"):
            return plain.get(t, t[1:-1].upper())
        return t

    arg = getattr(core, "TyperArgument", None)
    if arg is not None and hasattr(arg, "_usage_display_name"):

        def usage(self) -> str:  # type: ignore[no-untyped-def]
            name = self.metavar or self.name.upper()
            return name if name.endswith("...") or self.nargs == 1 else name + "..."

        arg._usage_display_name = usage
    elif arg is not None and "usage" in inspect.signature(arg.make_metavar).parameters:
        arg_metavar = arg.make_metavar

        def unbraced(self, ctx, *, usage: bool = False) -> str:  # type: ignore[no-untyped-def]
            var = arg_metavar(self, ctx, usage=usage)
            return var[1:-1] if var.startswith("{") and var.endswith("}") else var

        arg.make_metavar = unbraced
    if arg is not None and hasattr(arg, "display_type"):
        arg.display_type = lambda self, ctx: ""
    opt = getattr(core, "TyperOption", None)
    if opt is not None and hasattr(opt, "display_type"):
        typed = opt.display_type

        def option_type(self, ctx):  # type: ignore[no-untyped-def]
            t = typed(self, ctx)
            return plain_type(t) if t else t

        opt.display_type = option_type
    elif opt is not None and hasattr(opt, "make_metavar"):
        opt_metavar = opt.make_metavar

        def option_metavar(self, ctx):  # type: ignore[no-untyped-def]
            return plain_type(opt_metavar(self, ctx))

        opt.make_metavar = option_metavar


_plain_help()

app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Extract trials, outcomes and effects from clinical review articles (Chinese / English).",
)
err = Console(stderr=True)
out = Console()


def _usage_error(message: str) -> typer.Exit:
    from rich.markup import escape

    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _load_config(pipeline: Path | None):
    from .errors import PipelineConfigError
    from .pipeline import load_pipeline

    try:
        return load_pipeline(pipeline)
    except PipelineConfigError as e:
        raise _usage_error(str(e)) from e


# reader options shared by run, read and ingest
PipelineOpt = Annotated[
    Path | None,
    typer.Option(
        "--pipeline",
        metavar="FILE",
        help="pipeline TOML  [default: the built-in pipelines/default.toml]",
    ),
]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--pdf-backend",
        metavar="NAME",
        help="PDF reader: auto, pdfplumber or pdfium  [default: the pipeline's setting, auto]",
    ),
]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", metavar="PW", help="password of encrypted PDFs")
]
OcrOpt = Annotated[bool, typer.Option("--ocr", help="OCR scanned pages with Tesseract")]
# limits shared by run and ingest: each document runs in a worker process within them
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", min=1, metavar="N", help="worker processes (default: CPU count)"
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout", min=0, metavar="SECONDS", help="seconds allowed per document (0: no limit)"
    ),
]
MemoryOpt = Annotated[
    float | None,
    typer.Option(
        "--memory-limit",
        min=0,
        metavar="MIB",
        help="memory each worker may use, in MiB (0: no limit)  "
        "[default: 4096, less when the workers would take more than 80% of the machine's memory]",
    ),
]
MaxPagesOpt = Annotated[
    int,
    typer.Option(
        "--max-pages",
        min=0,
        metavar="N",
        help="a PDF with more pages fails as too_large (0: no limit)",
    ),
]
DEFAULT_MAX_PAGES = (
    2000  # extract.readers.limits.DEFAULT_MAX_PAGES (not imported: --help stays quick)
)


def _check_backend(pdf_backend: str | None) -> None:
    if pdf_backend not in (None, "auto", "pdfplumber", "pdfium"):
        raise _usage_error(f"--pdf-backend {pdf_backend!r}: choose auto, pdfplumber or pdfium")


@app.command()
def run(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT...",
            help="PDF, .txt/.md files or directories of them",
            show_default=False,
        ),
    ],
    outdir: Annotated[
        Path, typer.Option("-o", "--out", metavar="DIR", help="output directory")
    ] = Path("outputs"),
    pipeline: PipelineOpt = None,
    pdf_backend: BackendOpt = None,
    password: PasswordOpt = None,
    ocr: OcrOpt = False,
    workers: WorkersOpt = None,
    timeout: TimeoutOpt = 600.0,
    memory_limit: MemoryOpt = None,
    max_pages: MaxPagesOpt = DEFAULT_MAX_PAGES,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="no progress and no summary table")
    ] = False,
) -> None:
    """Run the pipeline over INPUT files and directories; write records.jsonl, records.csv,
    documents.jsonl and text/ into the output directory."""
    if workers != 0:
        from .forkserver import start_early

        start_early()
    from .pipeline import DocResult, expand_inputs
    from .pipeline import run as run_pipeline
    from .wording import plural, readable_path, short_names

    config = _load_config(pipeline)
    _check_backend(pdf_backend)
    skipped: list[tuple[Path, str]] = []
    paths = expand_inputs(inputs, skipped=skipped)
    if not paths:
        raise _usage_error(
            "no PDF, .txt or .md documents in " + ", ".join(readable_path(p) for p in inputs)
        )
    names = short_names(paths)
    progress = None if quiet else _RunProgress(len(paths), names)

    def report(res: DocResult) -> None:
        if progress is not None:
            progress.done(res)
        if res.status != "ok":
            err.print(
                f"error: {res.name}: {res.error}", highlight=False, soft_wrap=True, markup=False
            )

    try:
        results = run_pipeline(
            paths,
            outdir,
            config.with_reading(pdf_backend, ocr or None),
            on_result=report,
            on_start=progress.start if progress else None,
            skipped=skipped,
            password=password,
            max_pages=max_pages,
            workers=workers,
            timeout=timeout,
            memory_limit=memory_limit,
        )
    except KeyboardInterrupt:
        err.print("interrupted: nothing written", highlight=False)
        raise typer.Exit(130) from None
    finally:
        if progress is not None:
            progress.stop()
    if not quiet:
        out.print(_results_table(results, names, outdir))
        for res in results:
            for w in res.warnings:
                err.print(
                    f"warning: {res.name}: {w['message']}",
                    highlight=False,
                    soft_wrap=True,
                    markup=False,
                )
    for path, reason in skipped:
        err.print(
            f"skipped: {readable_path(path)}: {reason}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    failed = [r for r in results if r.status != "ok"]
    if failed:
        err.print(f"{plural(len(failed), 'document')} of {len(results)} failed:", highlight=False)
        for r in failed:
            err.print(
                f"  {r.name}: {r.error_code}: {r.error}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
        raise typer.Exit(1)


def _results_table(results, names: dict[Path, str], outdir: Path) -> Table:
    """One row a document, narrow enough for 80 columns: the document's short name and its
    status fold onto more lines instead of being cut. A document read with warnings (its
    text may be incomplete) says how many; they are listed after the table."""
    from rich import box
    from rich.markup import escape

    from .wording import plural, readable_path

    table = Table(
        title=f"{plural(len(results), 'document')} → {escape(readable_path(outdir))}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        caption_justify="left",
        caption="pp pages · T trials · O outcomes · E effects · ⚠ warnings (listed below)",
    )
    table.add_column("document", overflow="fold", ratio=1, min_width=16)
    table.add_column("lang", no_wrap=True)
    for col in ("pp", "T", "O", "E"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("status", overflow="fold", min_width=8, max_width=14)
    for res in results:
        c = res.summary()["counts"]
        if res.status != "ok":
            status = f"[red]failed[/red]: {res.error_code}"
        elif res.warnings:
            status = f"ok [yellow]⚠ {len(res.warnings)}[/yellow]"
        else:
            status = "ok"
        table.add_row(
            escape(names.get(res.path, res.name)),
            res.lang or "-",
            str(res.pages),
            str(c["trial"]),
            str(c["outcome"]),
            str(c["effect"]),
            status,
        )
    return table


class _RunProgress:
    """Progress of ``extract run`` on standard error: a live bar (documents, pages, current
    file, time left) on a terminal, one plain line a document otherwise (logs, CI)."""

    def __init__(self, total: int, names: dict[Path, str]) -> None:
        self.total, self.names, self.count, self.pages = total, names, 0, 0
        self.live = err.is_terminal
        self.bar = None
        if self.live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("documents"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pages]} pages"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[current]}"),
                console=err,
                transient=True,
            )
            self.task = self.bar.add_task("run", total=total, pages=0, current="")
            self.bar.start()

    def start(self, path: Path) -> None:
        if self.bar is not None:
            from rich.markup import escape

            from .wording import readable_text

            self.bar.update(
                self.task, current=escape(self.names.get(path, readable_text(path.name)))
            )

    def done(self, res) -> None:
        from .wording import plural

        self.count += 1
        self.pages += res.pages or 0
        if self.bar is not None:
            self.bar.update(self.task, advance=1, pages=self.pages)
        else:
            status = "ok" if res.status == "ok" else f"failed ({res.error_code})"
            if res.status == "ok" and res.warnings:
                status += f", {plural(len(res.warnings), 'warning')}"
            n = len(res.records)
            err.print(
                f"[{self.count}/{self.total}] {self.names.get(res.path, res.name)}: {status}, "
                f"{plural(res.pages or 0, 'page')}, {plural(n, 'record')}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def read(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="a PDF, .txt or .md file")],
    pipeline: PipelineOpt = None,
    pdf_backend: BackendOpt = None,
    password: PasswordOpt = None,
    ocr: OcrOpt = False,
) -> None:
    """Print the normalized text of one document with page markers."""
    from .errors import ReaderError
    from .pipeline import DocState, prepare

    config = _load_config(pipeline).with_reading(pdf_backend, ocr or None)
    try:
        state = prepare(DocState(path=file, password=password), config, upto="text")
    except ReaderError as e:
        err.print(f"error: {e.path}: {e.reason}", highlight=False, soft_wrap=True, markup=False)
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
    gold: Annotated[Path, typer.Option("--gold", help="directory of gold files")] = Path(
        "corpus/gold"
    ),
    pred: Annotated[
        Path, typer.Option("--pred", help="records.jsonl written by `extract run`")
    ] = Path("outputs/records.jsonl"),
    report: Annotated[
        Path | None, typer.Option("--report", help="write metrics.json, report.html here")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="metrics file to compare with")
    ] = None,
) -> None:
    """Score predictions against the gold corpus (RECORDS.md matching rules)."""
    from .report import evaluate_command

    code = evaluate_command(gold, pred, report_dir=report, baseline=baseline, console=out)
    raise typer.Exit(code)


@app.command()
def ingest(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...", help="PDF, .txt/.md files, directories or glob patterns"
        ),
    ],
    db: Annotated[Path, typer.Option("--db", help="SQLite store (created when missing)")] = Path(
        "outputs/extract.db"
    ),
    workers: WorkersOpt = None,
    executor: Annotated[str, typer.Option("--executor", help="local | dask")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster)"),
    ] = None,
    timeout: TimeoutOpt = 600.0,
    memory_limit: MemoryOpt = None,
    max_pages: MaxPagesOpt = DEFAULT_MAX_PAGES,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed", help="process again documents that failed with this pipeline"
        ),
    ] = False,
    ship_files: Annotated[
        bool,
        typer.Option(
            "--ship-files", help="dask: send file bytes to workers (no shared file system)"
        ),
    ] = False,
    pipeline: PipelineOpt = None,
    pdf_backend: BackendOpt = None,
    password: PasswordOpt = None,
    ocr: OcrOpt = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="no progress bar: log lines only")
    ] = False,
) -> None:
    """Ingest INPUTS into the store: incremental, in parallel, each document in isolation."""
    from .ingest import IngestError, LogProgress, RichProgress
    from .ingest import ingest as run_ingest
    from .store import StoreError

    config = _load_config(pipeline)
    _check_backend(pdf_backend)
    if executor not in ("local", "dask"):
        raise _usage_error(f"--executor {executor!r}: choose local or dask")
    if scheduler and executor != "dask":
        raise _usage_error("--scheduler needs --executor dask")
    if executor == "dask":
        import importlib.util

        from .errors import missing_extra

        try:
            found = importlib.util.find_spec("dask.distributed") is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise _usage_error(missing_extra("dask", "dask.distributed"))
    progress = LogProgress() if quiet else RichProgress(err)
    try:
        report = run_ingest(
            inputs,
            db,
            config=config,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            timeout=timeout or None,
            memory_limit=memory_limit,
            retry_failed=retry_failed,
            progress=progress,
            ship_files=ship_files,
            pdf_backend=pdf_backend,
            password=password,
            ocr=ocr or None,
            max_pages=max_pages,
        )
    except FileNotFoundError as e:
        from .wording import readable_text

        raise _usage_error(f"{readable_text(str(e))}: no such file or directory") from e
    except (IngestError, StoreError) as e:
        raise _usage_error(str(e)) from e
    except KeyboardInterrupt:
        err.print(f"interrupted: finished documents are in {db}; run the same command to resume")
        raise typer.Exit(130) from None
    if report.inputs == 0:
        from .wording import readable_text

        raise _usage_error(
            "no PDF, .txt or .md documents in " + ", ".join(readable_text(i) for i in inputs)
        )
    err.print(report.summary(), highlight=False, soft_wrap=True, markup=False)
    for path, reason in report.not_read:
        err.print(f"skipped: {path}: {reason}", highlight=False, soft_wrap=True, markup=False)
    if report.failures:
        from .wording import plural

        err.print(f"{plural(report.failed, 'document')} failed:", highlight=False)
        for f in report.failures:
            err.print(
                f"  {f.path}: {f.error_code}: {f.error}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
    raise typer.Exit(report.exit_code)


@app.command()
def export(
    db: Annotated[Path, typer.Option("--db", help="SQLite store")] = Path("outputs/extract.db"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="jsonl | csv | parquet | trials (trial × endpoint × arm, each document's value) "
            "| meta (log ratio and SE per trial and endpoint, CSV)",
        ),
    ] = "jsonl",
    output: Annotated[Path, typer.Option("-o", "--out", help="file to write")] = Path(
        "outputs/export.jsonl"
    ),
    include_dropped: Annotated[
        bool, typer.Option("--all", help="also rejected/deleted records and superseded documents")
    ] = False,
) -> None:
    """Write the store's effective records (curated where curated) as JSONL, CSV or Parquet, or its trials."""
    from .store import StoreError, export_records

    try:
        n = export_records(db, fmt, output, include_dropped=include_dropped)
    except StoreError as e:
        raise _usage_error(str(e)) from e
    err.print(
        f"{n} {'rows' if fmt in ('trials', 'meta') else 'records'} → {output}", highlight=False
    )


curate_app = typer.Typer(
    no_args_is_help=False,
    invoke_without_command=True,
    help="Curation: serve the web tool, manage curator accounts, export/import gold.",
)
curate_user_app = typer.Typer(no_args_is_help=True, help="Curator accounts.")
curate_app.add_typer(curate_user_app, name="user")
app.add_typer(curate_app, name="curate")

_DB_HELP = "SQLite store (from `extract ingest`)"


def _open_curation_store(db: Path):
    from .curate.db import open_store
    from .store import StoreError

    try:
        return open_store(db)
    except StoreError as e:
        raise _usage_error(str(e)) from e


@curate_app.callback()
def curate(
    ctx: typer.Context,
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    host: Annotated[
        str,
        typer.Option(
            "--host", help="address to bind (other machines reach it only if not 127.0.0.1)"
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="cookies over HTTPS only (default: on unless HOST is loopback)",
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="another host name to answer to, e.g. behind a reverse proxy (repeatable)",
        ),
    ] = None,
) -> None:
    """Serve the curation web app over the store (http://HOST:PORT/)."""
    if ctx.invoked_subcommand is not None:
        return
    from .curate import serve

    if not db.is_file():
        raise _usage_error(f"{db}: no such store; create it with `extract ingest … --db {db}`")
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"[yellow]warning:[/yellow] serving on {host}: other machines can reach the curation app",
            highlight=False,
        )
    serve(db, host=host, port=port, secure_cookies=secure_cookies, allowed_hosts=allowed_host or ())


@curate_user_app.command("add")
def curate_user_add(
    name: Annotated[str, typer.Argument(help="curator name (letters, digits, _ . -)")],
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    role: Annotated[str, typer.Option("--role", help="curator | adjudicator | admin")] = "curator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create a curator account (the password is asked for, and stored hashed)."""
    from .curate.auth import add_user
    from .curate.errors import CurationError

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    )
    with _open_curation_store(db) as store:
        try:
            user = add_user(store, name, password, role)
        except CurationError as e:
            raise _usage_error(str(e)) from e
    err.print(f"added {user.role} {user.name} to {db}", highlight=False)


@curate_user_app.command("passwd")
def curate_user_passwd(
    name: Annotated[str, typer.Argument(help="curator name")],
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read it from standard input")
    ] = False,
) -> None:
    """Set a curator's password (their sessions end)."""
    from .curate.auth import set_password
    from .curate.errors import CurationError

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt(f"new password for {name}", hide_input=True, confirmation_prompt=True)
    )
    with _open_curation_store(db) as store:
        try:
            set_password(store, name, password)
        except CurationError as e:
            raise _usage_error(str(e)) from e
    err.print(f"password of {name} changed", highlight=False)


@curate_user_app.command("list")
def curate_user_list(
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
) -> None:
    """List curator accounts and their roles."""
    from .curate.auth import list_users

    with _open_curation_store(db) as store:
        for u in list_users(store):
            sys.stdout.write(f"{u.name}\t{u.role}\n")


@curate_app.command("token")
def curate_token(
    name: Annotated[str, typer.Argument(help="curator the token acts as")],
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    label: Annotated[str | None, typer.Option("--label", help="what the token is for")] = None,
) -> None:
    """Print a new API token (send it as `Authorization: Bearer TOKEN`); only its hash is kept."""
    from .curate.auth import create_token
    from .curate.errors import CurationError

    with _open_curation_store(db) as store:
        try:
            sys.stdout.write(create_token(store, name, label) + "\n")
        except CurationError as e:
            raise _usage_error(str(e)) from e


@curate_app.command("export")
def curate_export(
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    out: Annotated[Path, typer.Option("-o", "--out", help="gold directory")] = Path("corpus/gold"),
    include_in_progress: Annotated[
        bool, typer.Option("--include-in-progress", help="also documents not yet marked curated")
    ] = False,
) -> None:
    """Write curated documents as gold files: OUT/<document stem>.jsonl."""
    from .curate.errors import CurationError
    from .curate.gold import export_gold

    if not db.is_file():
        raise _usage_error(f"{db}: no such store")
    with _open_curation_store(db) as store:
        try:
            report = export_gold(store, out, include_in_progress=include_in_progress)
        except CurationError as e:
            raise _usage_error(str(e)) from e
    for path, n in report.written.items():
        todo = report.unreviewed.get(path, 0)
        note = f" ({todo} not reviewed)" if todo else ""
        err.print(f"{n} records → {path}{note}", highlight=False)
    for why in report.skipped:
        err.print(f"skipped: {why}", highlight=False, soft_wrap=True)
    if not report.written:
        err.print(
            "no curated documents to export (mark a document curated, or use --include-in-progress)",
            highlight=False,
        )


@curate_app.command("import")
def curate_import(
    gold: Annotated[
        list[Path], typer.Argument(metavar="GOLD...", help="gold files or directories of them")
    ],
    db: Annotated[Path, typer.Option("--db", help=_DB_HELP)] = Path("outputs/extract.db"),
    as_user: Annotated[
        str, typer.Option("--as", help="curator the changes are recorded under")
    ] = "import",
    reason: Annotated[
        str | None, typer.Option("--reason", help="reason kept with every change")
    ] = None,
) -> None:
    """Load gold files as curated records of the stored documents with the same stem."""
    from .curate.auth import User
    from .curate.errors import CurationError
    from .curate.gold import import_gold

    if not db.is_file():
        raise _usage_error(f"{db}: no such store")
    with _open_curation_store(db) as store:
        try:
            r = import_gold(store, gold, User(as_user, "admin"), reason=reason)
        except CurationError as e:
            raise _usage_error(str(e)) from e
    err.print(
        f"{r.files} gold files → {r.documents} documents: {r.accepted} accepted, {r.edited} edited, "
        f"{r.added} added, {r.rejected} rejected, {r.unchanged} unchanged",
        highlight=False,
    )
    for why in r.skipped:
        err.print(f"skipped: {why}", highlight=False, soft_wrap=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
