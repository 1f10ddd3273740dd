"""Pipeline: stages registered under versioned names, wired by ``pipelines/*.toml``.

``process_document`` runs one file through the configured stages and returns a
:class:`DocResult` — never raises for a bad document: the failure is recorded
with its reason (an :data:`~extract.errors.ERROR_CODES` code) so that a batch goes
on, and a document read only in part says so in its ``warnings``. ``run`` processes
many inputs in worker processes, each document within a time and a memory limit
(:mod:`extract.pool`), and writes ``records.jsonl``, ``records.csv``,
``documents.jsonl`` and ``text/``.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import hashlib
import json
import re
import threading
import time
import tomllib
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import __version__
from .checks import check_records
from .document import CharBoxes, Document
from .errors import ERROR_CODES, ExtractError, PipelineConfigError, ReaderError
from .normalize import DEFAULT_STEPS, NormalizedDocument, normalize
from .readers import SUPPORTED_SUFFIXES, read_document
from .records import Effect, Outcome, Trial, assign_ids, parse_record
from .refs import find_reference_section, parse_references
from .segment import Paragraph, detect_language, segment
from .wording import raw_path, readable_path, readable_text


@dataclass
class DocState:
    """What the stages pass along for one document.

    The input is the file at ``path``, or — for text given in memory (:func:`process_text`,
    curation's proposals) — ``text``, read as a ``.txt`` document named ``path``.
    ``password`` opens an encrypted PDF; it is an input, not a setting, so it is not part of
    the pipeline version.
    """

    path: Path
    text: str | None = None
    password: str | None = None
    max_pages: int | None = None  # a limit, not a setting (None: the reader's default; 0: none)
    doc: Document | None = None
    nd: NormalizedDocument | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    body_end: int = 0
    context: Any = None
    records: list[dict] = field(default_factory=list)


StageFn = Callable[[DocState, dict[str, Any]], None]
STAGES: dict[str, StageFn] = {}

# What a stage adds to the DocState, in pipeline order: ``prepare(..., upto=...)`` runs the
# stages of a configuration until one that produces the wanted thing has run.
PRODUCTS = ("document", "text", "paragraphs", "context", "records")
Product = Literal["document", "text", "paragraphs", "context", "records"]


class NoSettings(BaseModel):
    """A stage without settings: any key in its table is a misspelling."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class StageInfo:
    name: str
    produces: Product
    settings: type[BaseModel]


def stage(
    name: str, produces: Product = "records", settings: type[BaseModel] = NoSettings
) -> Callable[[StageFn], StageFn]:
    """Register a stage function under a versioned name (``extract.<what>.v<N>``).

    ``produces`` says what the stage adds (see :data:`PRODUCTS`); ``settings`` is the
    pydantic model (``extra="forbid"``) that checks the stage's table of a pipeline file.
    """
    if produces not in PRODUCTS:
        raise PipelineConfigError(f"stage {name}: produces must be one of {', '.join(PRODUCTS)}")

    def deco(fn: StageFn) -> StageFn:
        fn.stage_info = StageInfo(name, produces, settings)  # type: ignore[attr-defined]
        STAGES[name] = fn
        return fn

    return deco


def stage_info(name: str) -> StageInfo:
    fn = STAGES[name]
    info = getattr(fn, "stage_info", None)
    return info if isinstance(info, StageInfo) else StageInfo(name, "records", NoSettings)


class ReadSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pdf_backend: Literal["auto", "pdfplumber", "pdfium"] = "auto"
    ocr: bool = False  # run Tesseract on scanned pages


class NormalizeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: list[str] = Field(default_factory=lambda: list(DEFAULT_STEPS))

    @field_validator("steps")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        from .normalize import STEPS

        unknown = [x for x in v if x not in STEPS]
        if unknown:
            raise ValueError(f"unknown normalization steps {unknown}; known: {', '.join(STEPS)}")
        return v


@stage("extract.read.v1", produces="document", settings=ReadSettings)
def _read(state: DocState, settings: dict[str, Any]) -> None:
    if state.text is not None:
        from .readers.text import text_document

        state.doc = text_document(state.text, state.path)
        return
    opts: dict[str, Any] = {}
    if state.path.suffix.lower() == ".pdf":
        opts["backend"] = settings.get("pdf_backend", "auto")
        opts["ocr"] = bool(settings.get("ocr", False))
        if state.password:
            opts["password"] = state.password
        if state.max_pages is not None:  # None: the reader's default; 0: no limit
            opts["max_pages"] = int(state.max_pages) or None
    state.doc = read_document(state.path, **opts)


@stage("extract.normalize.v1", produces="text", settings=NormalizeSettings)
def _normalize(state: DocState, settings: dict[str, Any]) -> None:
    assert state.doc is not None
    state.nd = normalize(state.doc, tuple(settings.get("steps", DEFAULT_STEPS)))


@stage("extract.segment.v1", produces="paragraphs")
def _segment(state: DocState, settings: dict[str, Any]) -> None:
    assert state.nd is not None
    text = state.nd.text
    ref_start = find_reference_section(text)
    state.body_end = ref_start if ref_start is not None else len(text)
    state.paragraphs = _without_headings(state.nd, segment(text, 0, state.body_end))


def _without_headings(nd: NormalizedDocument, paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Leave out the paragraphs the reader knows to be section headings (PMC's
    ``ABSTRACT.RESULTS:``), so none is read as a sentence of results. A heading that holds a
    number ("# 2.3 两组不良反应比较" holds none; "BODY.RESULTS.2-YEAR OS:" does) stays, as
    context for what follows."""
    heads = nd.doc.metadata.get("headings") or []
    if not heads:
        return paragraphs
    spans = {(a, e) for a, e in heads}
    out = []
    for p in paragraphs:
        a = nd.source_offset(p.start)
        e = nd.source_offset(p.end - 1) + 1
        if (a, e) in spans and not re.search(r"\d", p.text):
            continue
        out.append(p)
    return out


@stage("extract.trials.v1", produces="context")
def _trials(state: DocState, settings: dict[str, Any]) -> None:
    from .link import build_context, trial_records

    assert state.nd is not None
    references = parse_references(state.nd.text)
    state.context = build_context(state.nd, state.paragraphs, references, state.body_end)
    state.records.extend(trial_records(state.context))


@stage("extract.results.v1", produces="records")
def _results(state: DocState, settings: dict[str, Any]) -> None:
    from .link import result_records

    if state.context is None:
        raise PipelineConfigError("extract.results.v1 needs extract.trials.v1 before it")
    state.records.extend(result_records(_outside_tables(state.context)))


def _outside_tables(ctx: Any) -> Any:
    """The context with the sentences of table rows left out: a table's rows are read by the
    table stage (``extract.tables.v1``), not as sentences of results. Captions and footnotes
    are paragraphs of their own, so they stay text; the trial stage still reads the rows (a
    trial named only in a table is a trial)."""
    from dataclasses import replace

    from .tables import table_spans

    spans = table_spans(ctx.nd)
    if not spans:
        return ctx

    def inside(a: int, e: int) -> bool:
        return any(s <= a and e <= t for s, t in spans)

    paragraphs = []
    for p in ctx.paragraphs:
        kept = [x for x in p.sentences if not inside(x.start, x.end)]
        if kept:
            paragraphs.append(replace(p, sentences=kept))
    return replace(ctx, paragraphs=paragraphs)


@stage("extract.tables.v1", produces="records")
def _tables(state: DocState, settings: dict[str, Any]) -> None:
    from .tables import table_records

    if state.context is None:
        raise PipelineConfigError("extract.tables.v1 needs extract.trials.v1 before it")
    state.records.extend(table_records(state.context))


def prepare(
    state: DocState, config: PipelineConfig | None = None, upto: Product = "text"
) -> DocState:
    """Run ``config``'s stages on ``state`` until one that produces ``upto`` has run.

    The one way to read and normalize only (``extract read``, curation's page geometry) or to
    build a document's linking context (curation's proposals). Raises what the stages raise
    (ReaderError for a bad file); PipelineConfigError when no stage produces ``upto``.
    """
    config = config or load_pipeline()
    want = PRODUCTS.index(upto)
    for name, settings in config.stages:
        STAGES[name](state, settings)
        if PRODUCTS.index(stage_info(name).produces) >= want:
            return state
    raise PipelineConfigError(f"{config.source}: no stage produces {upto!r}")


@dataclass(frozen=True)
class PipelineConfig:
    """Stages by name, each with its checked settings (defaults filled in)."""

    name: str
    stages: list[tuple[str, dict[str, Any]]]
    source: str = "default"

    @property
    def version(self) -> str:
        """Package version plus a hash of the configuration: what makes outputs comparable.

        Every setting that changes output is in the stages' settings — the PDF backend and
        OCR too (:meth:`with_reading`) — so changing one re-extracts in batch ingestion.
        """
        payload = json.dumps([__version__, self.stages], sort_keys=True, default=str)
        return f"{__version__}+{hashlib.sha256(payload.encode()).hexdigest()[:8]}"

    def with_reading(
        self, pdf_backend: str | None = None, ocr: bool | None = None
    ) -> PipelineConfig:
        """This configuration with the read stage's backend / OCR set (a command line's options)."""
        changes = {k: v for k, v in (("pdf_backend", pdf_backend), ("ocr", ocr)) if v is not None}
        if not changes:
            return self
        stages = []
        for name, settings in self.stages:
            if stage_info(name).produces == "document":
                settings = _checked(name, {**settings, **changes}, self.source)
            stages.append((name, settings))
        return PipelineConfig(self.name, stages, self.source)


def _checked(name: str, settings: dict[str, Any], source: str) -> dict[str, Any]:
    try:
        return stage_info(name).settings.model_validate(settings).model_dump()
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "settings"
        raise PipelineConfigError(f'{source}: [stages."{name}"] {where}: {first["msg"]}') from e


def load_pipeline(path: str | Path | None = None) -> PipelineConfig:
    """Read a pipeline TOML (default: the packaged ``pipelines/default.toml``).

    Every stage's table is checked by its settings model: a misspelt key or a wrong value is a
    PipelineConfigError naming the file, the stage and the key.
    """
    if path is None:
        raw = (
            resources.files("extract")
            .joinpath("resources", "default_pipeline.toml")
            .read_text("utf-8")
        )
        source = "default"
    else:
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise PipelineConfigError(f"{path}: cannot read pipeline file ({e.strerror})") from e
        source = str(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise PipelineConfigError(f"{source}: invalid TOML ({e})") from e
    pipe = data.get("pipeline", {})
    names = pipe.get("stages")
    if not isinstance(names, list) or not names:
        raise PipelineConfigError(f"{source}: [pipeline] stages must list stage names")
    settings = data.get("stages", {})
    unused = sorted(set(settings) - set(names))
    if unused:
        raise PipelineConfigError(
            f"{source}: settings for stages not in [pipeline] stages: {', '.join(unused)}"
        )
    stages = []
    for n in names:
        if n not in STAGES:
            raise PipelineConfigError(f"{source}: unknown stage {n!r}; known: {', '.join(STAGES)}")
        stages.append((n, _checked(n, dict(settings.get(n, {})), source)))
    return PipelineConfig(pipe.get("name", Path(source).stem), stages, source)


@dataclass
class DocResult:
    """Outcome of one document: its records and normalized text, or why it failed."""

    path: Path
    doc_id: str | None
    status: str  # ok | failed
    records: list[Trial | Outcome | Effect] = field(default_factory=list)
    text: str = ""
    pages: int = 0
    lang: str | None = None
    error: str | None = None
    error_code: str | None = None
    seconds: float = 0.0
    page_sources: list[str] = field(default_factory=list)
    # record id → [(page, (x0, top, x1, bottom))] of its evidence, for drawing it on the page
    evidence_boxes: dict[str, list[tuple[int, tuple[float, float, float, float]]]] = field(
        default_factory=dict
    )
    page_sizes: dict[int, tuple[float, float]] = field(default_factory=dict)
    # the registry ids the document registers itself under ("Trial registration: NCT00597311")
    registry: list[str] = field(default_factory=list)
    # what the reading may have left out: {"code", "message", "page"?}, codes in WARNING_CODES
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.error_code is not None and self.error_code not in ERROR_CODES:
            raise ValueError(
                f"unknown error code {self.error_code!r}: add it to extract.errors.ERROR_CODES"
            )

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def name(self) -> str:
        """The path as text safe to print and store (see :func:`extract.wording.readable_path`)."""
        return readable_path(self.path)

    def summary(self) -> dict[str, Any]:
        counts = {
            k: sum(1 for r in self.records if r.kind == k) for k in ("trial", "outcome", "effect")
        }
        row = {
            "path": self.name,
            "stem": readable_text(self.stem),
            "doc_id": self.doc_id,
            "status": self.status,
            "pages": self.pages,
            "lang": self.lang,
            "error": None if self.error is None else readable_text(self.error),
            "error_code": self.error_code,
            "seconds": round(self.seconds, 3),
            "counts": counts,
            "registry": list(self.registry),
            "warnings": list(self.warnings),
        }
        raw = raw_path(self.path)
        if raw is not None:  # the name is not UTF-8: "path" escaped some bytes; these are exact
            row["path_bytes"] = raw.hex()
        return row


def _file_doc_id(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def process_text(
    text: str, config: PipelineConfig | None = None, name: str = "<text>"
) -> DocResult:
    """Run a string through the pipeline as if it were a ``.txt`` document (for tests and tools)."""
    return _process(DocState(path=Path(name), text=text), config or load_pipeline())


def process_document(
    path: str | Path,
    config: PipelineConfig | None = None,
    *,
    password: str | None = None,
    pdf_backend: str | None = None,
    ocr: bool | None = None,
    max_pages: int | None = None,
) -> DocResult:
    """Run one document through the pipeline; failures come back as ``status='failed'``.

    ``pdf_backend`` / ``ocr`` override the read stage's settings (and so the version);
    ``password`` opens an encrypted PDF; ``max_pages`` (0 or None: none) bounds a PDF's pages.
    """
    config = (config or load_pipeline()).with_reading(pdf_backend, ocr)
    return _process(DocState(path=Path(path), password=password, max_pages=max_pages), config)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let Python's cycle collector run less often while a document goes through the stages.

    A document allocates hundreds of thousands of small objects that form no cycles (a
    glyph, its box, a token); at the default threshold the collector starts every 700 of
    them and, each time an older generation is due, walks everything the process holds:
    an eighth of a document's CPU. The threshold is put back when the last document in
    progress (documents may run in threads, or one inside another) is done."""
    with _GC_LOCK:
        if _GC_SAVED:
            _GC_SAVED.append(_GC_SAVED[0])
        else:
            before = gc.get_threshold()
            _GC_SAVED.append(before)
            gc.set_threshold(max(before[0], _GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        with _GC_LOCK:
            saved = _GC_SAVED.pop()
            if not _GC_SAVED:
                gc.set_threshold(*saved)


_GC_LOCK = threading.Lock()
_GC_SAVED: list[tuple[int, ...]] = []  # the threshold to put back, once per document in progress
_GC_THRESHOLD = 20_000  # allocations between two collections of the youngest generation


def _process(state: DocState, config: PipelineConfig) -> DocResult:
    path, t0 = state.path, time.perf_counter()
    try:
        with _fewer_collections():
            for name, settings in config.stages:
                STAGES[name](state, settings)
        assert state.doc is not None and state.nd is not None
        return _finished(state, time.perf_counter() - t0)
    except ReaderError as e:
        return DocResult(
            path,
            _file_doc_id(path),
            "failed",
            error=e.reason,
            error_code=e.code,
            seconds=time.perf_counter() - t0,
        )
    except MemoryError:
        state.doc = state.nd = state.context = None  # let go of what the document had taken
        state.records.clear()
        return DocResult(
            path,
            _file_doc_id(path),
            "failed",
            error_code="out_of_memory",
            error="ran out of memory" + _memory_limit_note(),
            seconds=time.perf_counter() - t0,
        )
    except RecursionError as e:  # a structure nested past Python's stack (a PDF object tree)
        return DocResult(
            path,
            _file_doc_id(path),
            "failed",
            error_code="corrupt",
            error=f"structure nested too deeply to read ({e})",
            seconds=time.perf_counter() - t0,
        )
    except ExtractError as e:
        return DocResult(
            path,
            _file_doc_id(path),
            "failed",
            error=str(e),
            error_code="pipeline",
            seconds=time.perf_counter() - t0,
        )
    except Exception as e:  # a bug must not take the batch down: record it with its place
        where = traceback.extract_tb(e.__traceback__)[-1]
        return DocResult(
            path,
            _file_doc_id(path),
            "failed",
            error=f"internal error {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
            error_code="internal",
            seconds=time.perf_counter() - t0,
        )


def _finished(state: DocState, seconds: float) -> DocResult:
    """The result of a document every stage ran on: its records as contract models, with ids."""
    from .link.registry import document_registry

    assert state.doc is not None and state.nd is not None
    doc_id = state.doc.doc_id
    for r in state.records:
        r["doc_id"] = doc_id
    records = [
        parse_record(r, where=f"{state.path}: {r['kind']}")
        for r in check_records(assign_ids(doc_id, state.records))
    ]
    lang = detect_language(state.nd.text[: state.body_end or None])
    return DocResult(
        state.path,
        doc_id,
        "ok",
        records,
        state.nd.text,
        len(state.doc.pages),
        lang,
        registry=document_registry(state.context),
        seconds=seconds,
        page_sources=[p.source for p in state.doc.pages],
        evidence_boxes={r.id: evidence_boxes(state.nd, r.evidence) for r in records},
        page_sizes={
            p.number: (p.width, p.height)
            for p in state.doc.pages
            if p.width is not None and p.height is not None
        },
        warnings=document_warnings(state.doc),
    )


def document_warnings(doc: Document) -> list[dict[str, Any]]:
    """The reader's warnings about ``doc`` (``metadata["warnings"]``), and the text's own:
    control characters and U+FFFD replacement characters (normalization removes the former)."""
    from .readers.damage import text_warnings

    out = [dict(w) for w in doc.metadata.get("warnings", [])]
    have = {w.get("code") for w in out}
    out += [w for w in text_warnings(doc.text) if w["code"] not in have]
    return out


def _memory_limit_note() -> str:
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    except (ImportError, ValueError, OSError):
        return ""
    if soft == resource.RLIM_INFINITY:
        return ""
    return f": the document needs more than the worker's limit of {soft / (1 << 20):g} MiB"


def evidence_boxes(
    nd: NormalizedDocument, evidence: Iterable[Any]
) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Boxes, one per text line on the page, of the characters each evidence span covers.

    Empty for documents without geometry (text files). A curator sees these
    outlined on the rendered PDF page.
    """
    out: list[tuple[int, tuple[float, float, float, float]]] = []
    for ev in evidence:
        cells = cell_boxes(nd, ev)
        if cells:  # a record read from a table: the outline of each cell it used
            out.extend(cells)
        else:
            out.extend(_line_boxes(nd, ev.start, ev.end))
    return out


def _line_boxes(
    nd: NormalizedDocument, start: int, end: int
) -> list[tuple[int, tuple[float, float, float, float]]]:
    """The boxes of :func:`evidence_boxes` for the characters ``[start, end)`` of ``nd``.

    This runs for every character of every evidence: nd.bbox_of and nd.page_of are
    unfolded, a character's box is read from the flat coordinates of the document's
    :class:`CharBoxes`, its page looked up once for each run of offsets on one page."""
    out: list[tuple[int, tuple[float, float, float, float]]] = []
    text, origin, doc = nd.text, nd.origin, nd.doc
    boxes = doc.char_boxes or []
    flat = boxes.flat if isinstance(boxes, CharBoxes) else None
    n_boxes = len(boxes)
    last = len(origin) - 1
    page, lo, hi = 0, 0.0, 0.0  # the page of the offsets [lo, hi)
    cur_page: int | None = None
    cx0 = ctop = cx1 = cbottom = 0.0  # the box of the line so far, on cur_page
    for i in range(start, end):
        if text[i].isspace():
            continue
        src = origin[min(max(i, 0), last)] if origin else 0
        if not 0 <= src < n_boxes:
            continue
        if flat is not None:
            k = 4 * src
            x0, top, x1, bottom = flat[k], flat[k + 1], flat[k + 2], flat[k + 3]
        else:
            box = boxes[src]
            if box is None:
                continue
            x0, top, x1, bottom = box
        if not lo <= src < hi:
            page, lo, hi = doc.page_span(src)
        height = bottom - top
        if 1.0 > height:  # max(height, 1.0)
            height = 1.0
        if (
            cur_page is not None
            and page == cur_page
            and abs(top - ctop) < height * 0.6
            and x0 >= cx0 - height
        ):
            # min and max, spelled out: a call each costs more than the comparison
            if x0 < cx0:
                cx0 = x0
            if top < ctop:
                ctop = top
            if x1 > cx1:
                cx1 = x1
            if bottom > cbottom:
                cbottom = bottom
        else:
            if cur_page is not None:
                out.append((cur_page, (cx0, ctop, cx1, cbottom)))
            cur_page, cx0, ctop, cx1, cbottom = page, x0, top, x1, bottom
    if cur_page is not None:
        out.append((cur_page, (cx0, ctop, cx1, cbottom)))
    return out


def cell_boxes(
    nd: NormalizedDocument, ev: Any
) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Page and box of each table cell an evidence used (``cell``), for a PDF table's record."""
    out = []
    for ref in getattr(ev, "cell", None) or []:
        tables = nd.doc.tables
        if not 0 <= ref.table < len(tables):
            continue
        for c in tables[ref.table]["cells"]:
            if c["row"] == ref.row and c["col"] == ref.col and c.get("bbox"):
                x0, top, x1, bottom = c["bbox"]
                out.append((nd.doc.page_of(c["start"]), (x0, top, x1, bottom)))
    return out


IGNORE_FILE = ".extractignore"
_ALWAYS_IGNORED = (
    "README.md",
    "MANIFEST.md",
    "NOTES*.md",
    "LICENSE*",
    "CHANGELOG*",
    "*.expected.txt",
)


def _ignore_patterns(root: Path) -> list[str]:
    f = root / IGNORE_FILE
    pats = list(_ALWAYS_IGNORED)
    if f.is_file():
        for line in f.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                pats.append(line)
    return pats


def _ignored(rel: str, name: str, patterns: list[str]) -> bool:
    for p in patterns:
        if p.endswith("/"):
            d = p.rstrip("/")
            if rel == d or rel.startswith(d + "/") or f"/{d}/" in f"/{rel}":
                return True
        elif fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p):
            return True
    return False


def expand_inputs(
    inputs: Iterable[str | Path], skipped: list[tuple[Path, str]] | None = None
) -> list[Path]:
    """Files to process: given files as they are; directories recursively, by supported suffix.

    Inside a directory, documentation files (README.md, MANIFEST.md, NOTES*.md …),
    ``*.expected.txt``, hidden files and whatever the directory's ``.extractignore`` lists
    (gitignore-like: ``gold/``, ``*.draft.md``) are skipped on purpose. Files of a type no
    reader takes (``.docx``, ``.html``) are skipped too, and — when ``skipped`` is given —
    listed there with the reason, so a caller can say so. An input that does not exist
    raises FileNotFoundError, unless ``skipped`` is given: then it is returned like a file,
    so that it fails alone when it is read.
    """
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            pats = _ignore_patterns(p)
            for f in sorted(p.rglob("*")):
                if not f.is_file():
                    continue
                rel = f.relative_to(p).as_posix()
                if any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if _ignored(rel, f.name, pats):
                    continue
                if f.suffix.lower() not in SUPPORTED_SUFFIXES:
                    if skipped is not None:
                        skipped.append(
                            (
                                f,
                                f"not a document type extract reads ({f.suffix or 'no suffix'}); "
                                f"it reads {', '.join(sorted(SUPPORTED_SUFFIXES))}",
                            )
                        )
                    continue
                out.append(f)
        elif p.is_file() or skipped is not None:
            out.append(p)
        else:
            raise FileNotFoundError(str(p))
    seen: set[Path] = set()
    uniq = []
    for f in out:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            uniq.append(f)
    return uniq


def text_names(paths: list[Path]) -> dict[Path, str]:
    """File name of each document's normalized text: ``<stem>.txt``, or ``<name>.txt`` on a clash.

    A name that is not valid UTF-8 is written in its readable form (``caf\\xe9.txt``), so that
    ``documents.jsonl``'s ``text_path`` names the file exactly.
    """
    stems: dict[str, int] = {}
    for p in paths:
        stems[readable_text(p.stem)] = stems.get(readable_text(p.stem), 0) + 1
    return {
        p: (
            f"{readable_text(p.stem)}.txt"
            if stems[readable_text(p.stem)] == 1
            else f"{readable_text(p.name)}.txt"
        )
        for p in paths
    }


def write_outputs(
    results: list[DocResult], outdir: str | Path, skipped: Iterable[tuple[Path, str]] = ()
) -> None:
    """Write records.jsonl, records.csv, documents.jsonl and text/ into ``outdir``.

    ``skipped`` files (found in a directory but of a type no reader takes) get a line in
    documents.jsonl too, with ``status`` ``skipped`` and the reason, so every input is
    accounted for.
    """
    from .records import CSV_COLUMNS, record_to_row, write_csv

    outdir = Path(outdir)
    (outdir / "text").mkdir(parents=True, exist_ok=True)
    names = text_names([r.path for r in results])
    # backslashreplace: a stray surrogate in some field is written escaped rather than end the run
    with open(outdir / "records.jsonl", "w", encoding="utf-8", errors="backslashreplace") as f:
        for res in results:
            for rec in res.records:
                f.write(json.dumps(rec.model_dump(mode="json"), ensure_ascii=False) + "\n")
    rows = [record_to_row(rec) for res in results for rec in res.records]
    write_csv(outdir / "records.csv", rows, CSV_COLUMNS)
    with open(outdir / "documents.jsonl", "w", encoding="utf-8", errors="backslashreplace") as f:
        for res in results:
            row = res.summary()
            row["text_path"] = f"text/{names[res.path]}" if res.status == "ok" else None
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for path, reason in skipped:
            row = {
                "path": readable_path(path),
                "stem": readable_text(path.stem),
                "doc_id": None,
                "status": "skipped",
                "pages": 0,
                "lang": None,
                "error": readable_text(reason),
                "error_code": "unsupported",
                "text_path": None,
                "warnings": [],
            }
            if raw_path(path) is not None:
                row["path_bytes"] = raw_path(path).hex()
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for res in results:
        if res.status == "ok":
            (outdir / "text" / names[res.path]).write_text(
                res.text, encoding="utf-8", errors="backslashreplace"
            )


def run(
    inputs: Iterable[str | Path],
    outdir: str | Path,
    config: PipelineConfig | None = None,
    on_result: Callable[[DocResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
    skipped: Iterable[tuple[Path, str]] = (),
    *,
    password: str | None = None,
    pdf_backend: str | None = None,
    ocr: bool | None = None,
    max_pages: int | None = None,
    workers: int | None = None,
    timeout: float | None = None,
    memory_limit: float | None = None,
) -> list[DocResult]:
    """Process every input and write the outputs; returns one result per document, in input order.

    Documents run in worker processes (:class:`extract.pool.LocalExecutor`), each within
    ``timeout`` seconds (default :data:`~extract.pool.DEFAULT_TIMEOUT`; 0: none) and with at
    most ``memory_limit`` MiB (default :func:`~extract.pool.default_memory_mb`; 0: none); a
    document past a limit, or one that crashes its worker, fails alone (``timeout``,
    ``out_of_memory``, ``crashed``). ``workers`` processes at once (default: the CPU count);
    ``workers=0`` runs every document in this process, without those limits.

    A missing input is a failed document (``error_code`` ``missing``) like any other: the
    rest are processed and written. ``on_start`` is called with each path when its reading
    starts and ``on_result`` with its result (progress reporting). ``skipped`` are files a
    caller's own :func:`expand_inputs` passed over; they are listed in documents.jsonl with
    those found here. ``options`` go to :func:`process_document` (pdf_backend, password,
    ocr, max_pages).
    """
    import os

    from .pool import DEFAULT_TIMEOUT, LocalExecutor, Task, default_memory_mb, failed_result

    config = (config or load_pipeline()).with_reading(pdf_backend, ocr)
    options = {"password": password, "max_pages": max_pages}
    skipped = list(skipped)
    paths = expand_inputs(inputs, skipped=skipped)
    results: list[DocResult | None] = [None] * len(paths)
    if workers == 0:
        for i, p in enumerate(paths):
            if on_start is not None:
                on_start(p)
            res = process_document(p, config, **options)
            results[i] = res
            if on_result is not None:
                on_result(res)
    elif paths:
        n = min(workers or os.cpu_count() or 1, len(paths))
        limit = DEFAULT_TIMEOUT if timeout is None else (timeout or None)
        memory_mb = default_memory_mb(n) if memory_limit is None else (memory_limit or None)
        tasks = [Task(i, p) for i, p in enumerate(paths)]

        def done(task: Task, res: DocResult, info: Any) -> None:
            res.path = task.path  # the worker's Path of the same name
            results[task.index] = res
            if on_result is not None:
                on_result(res)

        LocalExecutor(n, limit, memory_mb).run(
            tasks,
            config,
            options,
            done,
            on_start=(lambda t: on_start(t.path)) if on_start else None,
        )
        for t in tasks:  # never: every task comes back, finished, failed or killed
            if results[t.index] is None:
                results[t.index] = failed_result(
                    t, "internal", "the document was not processed", 0.0
                )
    final = [r for r in results if r is not None]
    write_outputs(final, outdir, skipped)
    return final
