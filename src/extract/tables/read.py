"""Records from the tables of a document: each value cell an outcome, each P or HR cell an effect.

:func:`table_records` reads every ``Document.tables`` entry (JATS, converter Markdown, PDF
alike) that reports results: the arms from one axis (:mod:`.axes`), the endpoints, grades
and events from the other (:mod:`.headers`), the values from the cells (:mod:`.cells`).
The trial is the row's (a trial named in it), else the caption's, else the document's own
trial. Every record's evidence is the row, with the cells it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..link import emit
from ..link.context import DocContext
from ..recognize.endpoints import EndpointMention, endpoint_kind
from ..recognize.numbers import Interval, Measure, Value, measure_code
from ..rules import load_rules
from ..segment import detect_language
from .axes import Column, arms_in_rows, columns, continues_label, listing, row_label
from .cells import CellValue, cell_p, cell_value
from .grid import GridCell, TableView, table_view
from .headers import (
    Topic,
    abbreviations,
    arm_name,
    arm_roles,
    arm_size,
    clean,
    event_topic,
    grade_of,
    is_arm,
    is_p,
    is_statistic,
    is_total,
    timepoint_of,
    topic_of,
)
from .rules import rx


@dataclass
class Reading:
    """One table being read, with what holds for all of it."""

    ctx: DocContext
    view: TableView
    lang: str
    abbrevs: dict[str, str]
    ae: bool
    trial: tuple[str | None, list[str]]
    caption_percent: bool
    caption_n: int | None
    out: list[tuple[int, dict]] = field(default_factory=list)
    effects: dict[tuple, tuple[int, dict]] = field(default_factory=dict)  # last effect per cell key


@dataclass(frozen=True)
class Place:
    """Where a record is read: the cell at row ``r`` under column ``col``, the endpoint the row
    and column give it (``topic``), its subgroup, and every cell its evidence shows (``used``:
    the row's labels and the column's headers)."""

    r: int
    topic: Topic
    subgroup: str | None
    col: Column
    cell: GridCell
    used: list[GridCell]

    def mention(self, topic: Topic, stat: str | None) -> EndpointMention:
        """The endpoint mention a record of this cell points to: the cell, as ``topic``."""
        c = self.cell
        return EndpointMention(
            c.start, c.end, topic.code, stat, c.text, grade=topic.grade, event=topic.event
        )


def table_records(ctx: DocContext) -> list[dict]:
    """Outcome and effect records (``source: "table"``) of every results table of the document."""
    from .trial_rows import read_trial_rows, trial_rows  # it builds on this module's records

    out: list[tuple[int, dict]] = []
    for i, table in enumerate(ctx.nd.doc.tables):
        view = table_view(ctx.nd, table, i)
        if view is None or not view.data_rows or view.start >= ctx.body_end:
            continue
        if rx("table.not_results.v1").search(view.caption) or _care_complications(ctx, view):
            continue
        reading = _reading(ctx, view)
        if trial_rows(ctx, view):  # its arms column may repeat ("Chemotherapy"): no listing
            read_trial_rows(reading)
        elif listing(view):
            continue
        elif arms_in_rows(view):
            _read_arm_rows(reading)
        else:
            _read_arm_columns(reading)
        out.extend(reading.out)
    return [r for _, r in sorted(out, key=lambda x: x[0])]


def _care_complications(ctx: DocContext, view: TableView) -> bool:
    """A table of the disease's complications in a study of nursing care ("早期肝硬化无创诊断的
    护理", 表2 "两组并发症发生率比较"): no adverse event of a treatment, so no record."""
    title = ctx.text.lstrip().split("\n", 1)[0]  # the document's first line
    return bool(
        rx("table.complication_caption.v1").search(view.caption)
        and rx("table.care_title.v1").search(title)
    )


def _reading(ctx: DocContext, view: TableView) -> Reading:
    text = ctx.text[view.start : view.end]
    lang = detect_language(view.caption + text)
    ae_rule = load_rules("endpoints.json").regex("endpoint.ae_context.v1")
    heads = " ".join(
        c.text for r in {h for hs in view.header_of.values() for h in hs} for c in view.grid[r] if c
    )
    row_labels = " ".join(view.text(r, 0) for r in view.header_of.get(view.data_rows[0], []))
    ae = bool(
        ae_rule.search(view.caption)
        or ae_rule.search(row_labels)
        or (rx("table.grade.v1").search(heads) and not topic_of(row_labels, lang, {}))
    )
    return Reading(
        ctx,
        view,
        lang,
        abbreviations(view.footnotes),
        ae,
        _trial(ctx, view),
        "%" in view.caption or "％" in view.caption,
        arm_size(view.caption),
    )


def _trial(ctx: DocContext, view: TableView) -> tuple[str | None, list[str]]:
    """The caption's trial, else the document's own."""
    if view.caption_span is not None:
        found = ctx.mentions_in(*view.caption_span)
        if found:
            return found[0].name, list(found[0].refs)
    own = ctx.own_trial
    return (own.name, list(own.refs)) if own is not None else (None, [])


def _row_trial(reading: Reading, r: int) -> tuple[str | None, list[str]]:
    """The trial the row names, else the one of the row it continues (its first cell spans
    from a row above, or is empty under a named row: "KEYNOTE-024 | Any | …" then " | 3–5 |
    …"), else the table's."""
    view, ctx = reading.view, reading.ctx
    a, e = row_span(view, ctx.text, r)
    found = ctx.mentions_in(a, e)
    first = view.grid[r][0]
    if not found and first is not None and first.row != r:
        found = ctx.mentions_in(first.start, first.end)
    if found:
        return found[0].name, list(found[0].refs)
    above = [d for d in view.data_rows if d < r]
    if above and not view.text(r, 0):
        return _row_trial(reading, above[-1])
    return reading.trial


def row_span(view: TableView, text: str, r: int) -> tuple[int, int]:
    """The span of row ``r`` in the normalized text (the table stands a row a line)."""
    lines = text[view.start : view.end].split("\n")
    if len(lines) != len(view.grid):
        cells = [c for c in view.grid[r] if c is not None and c.row == r]
        return (min(c.start for c in cells), max(c.end for c in cells)) if cells else (0, 0)
    a = view.start + sum(len(x) + 1 for x in lines[:r])
    return a, a + len(lines[r])


# --------------------------------------------------------------------------- arms in columns


def _read_arm_columns(reading: Reading) -> None:
    view = reading.view
    label, label_row, since = "", None, 0
    last: Topic | None = None
    above: tuple[int, list[tuple[int, dict]]] = (-1, [])  # the last row read and its outcomes
    for r in view.data_rows:
        own = row_label(view, r)
        cols = columns(view, view.header_of[r], reading.abbrevs)
        if rx("table.ci_row_label.v1").match(clean(own)) and _ci_row(reading, r, above):
            continue
        if _stat_row(own) and last is not None:  # "HR eribulin vs. capecitabine (95% CI)"
            _stat_row_effects(reading, r, _stat_row(own), last, cols)
            continue
        more = own if own and continues_label(view, r) else None
        if own and more is None:
            label, label_row, since = own, r, len(reading.out)
        topic, subgroup = _row_topic(reading, r, label)
        last = topic
        if topic is None or label_row is None:
            continue
        row_labels = [
            c for c in (view.grid[label_row][k] for k in view.label_cols) if c is not None
        ]
        first = len(reading.out)
        _row_cells(reading, r, cols, topic, subgroup, [*row_labels], label)
        one_effect_per_row(reading, first)
        above = (r, reading.out[first:])
        if more is not None:  # "Codon 12" / "mutation": one label on two lines
            label = f"{label} {more}"
            whole = _row_topic(reading, r, label)[1]
            for _, rec in reading.out[since:]:
                if subgroup is not None and rec.get("subgroup") == subgroup:
                    rec["subgroup"] = whole


def _row_cells(
    reading: Reading,
    r: int,
    cols: list[Column],
    topic: Topic,
    subgroup: str | None,
    row_labels: list[GridCell],
    label: str,
) -> None:
    """The outcomes of a row's value cells and the effects of its P and HR cells."""
    for col in cols:
        cell = reading.view.grid[r][col.col]
        if cell is None or cell.row != r or not cell.text:
            continue
        if col.kind == "value":
            t = _column_grade(topic, col)
            used = [*row_labels, *col.parts]
            outcome(reading, Place(r, t, subgroup or col.subgroup, col, cell, used), label)
        elif col.kind in ("p", "measure"):
            effect(reading, Place(r, topic, subgroup, col, cell, [*row_labels, *col.parts]))


def _ci_row(reading: Reading, r: int, above: tuple[int, list[tuple[int, dict]]]) -> bool:
    """A row "（95%CI） | 62.82, 80.92" under "整体缓解率（CR+PR） | 74(73)": each interval is
    the CI of the outcome of its column in the row above, whose evidence grows by this row.
    True when the row gave every such outcome its CI."""
    view = reading.view
    row, made = above
    level = rx("table.ci_row_label.v1").match(clean(row_label(view, r))).group("level")
    done = 0
    for _, rec in made:
        if row != r - 1 or rec["kind"] != "outcome" or rec["ci_low"] is not None:
            continue
        col = rec["evidence"][0]["cell"][0]["col"]  # the value cell comes first
        cell = view.grid[r][col]
        m = rx("table.cell_interval.v1").match(clean(cell.text)) if cell is not None else None
        if m is None:
            continue
        rec["ci_low"], rec["ci_high"] = float(m.group("lo")), float(m.group("hi"))
        rec["ci_level"] = float(level) / 100 if level else None
        ev = rec["evidence"][0]
        label = [c for c in (view.grid[r][k] for k in view.label_cols) if c is not None]
        more = _evidence(reading, r, [cell, *label])
        ev["end"] = more["end"]
        ev["text"] = reading.ctx.text[ev["start"] : ev["end"]]
        _join_evidence(ev, more)
        done += 1
    return done > 0


def _stat_row(label: str) -> str | None:
    """ "measure" for a row of HRs ("HR (95% CI)"), "p" for a row of P values ("Wald p value",
    "P"), under the row whose endpoint they compare; None for any other row."""
    t = clean(label)
    if not t:
        return None
    if rx("table.measure_header.v1").match(t):
        return "measure"
    return "p" if is_p(t) or rx("table.p_label.v1").match(t) else None


def _stat_row_effects(reading: Reading, r: int, kind: str, topic: Topic, cols: list) -> None:
    """The effects of a row of HRs or P values: one per cell (a cell spanning two arms' columns
    is one comparison), of the endpoint of the row above, in each column's subgroup."""
    view = reading.view
    label = [c for c in (view.grid[r][k] for k in view.label_cols) if c is not None]
    seen: list[GridCell] = []
    for col in cols:
        cell = view.grid[r][col.col]
        if cell is None or cell.row != r or not cell.text or cell in seen:
            continue
        seen.append(cell)
        stat = Column(col.col, [*label, *col.parts], kind, subgroup=col.subgroup)
        effect(reading, Place(r, topic, col.subgroup, stat, cell, [*label, *col.parts]))


def one_effect_per_row(reading: Reading, first: int) -> None:
    """A row's measure ("1.30 (0.98–1.73)") and its P ("0.07") in columns of their own are one
    comparison: one effect with both, as the text's "HR 1.30 (…), P = 0.07" is."""
    made = reading.out[first:]
    measures = [x for x in made if x[1]["kind"] == "effect" and x[1]["measure"] is not None]
    ps = [x for x in made if x[1]["kind"] == "effect" and x[1]["measure"] is None]
    if len(measures) != 1 or len(ps) != 1 or measures[0][1]["p_value"] is not None:
        return
    m, p = measures[0][1], ps[0][1]
    m["p_value"], m["p_qualifier"] = p["p_value"], p["p_qualifier"]
    cells = m["evidence"][0]["cell"]
    cells += [c for c in p["evidence"][0]["cell"] if c not in cells]
    reading.out.remove(ps[0])
    reading.effects = {k: v for k, v in reading.effects.items() if v[1] is not p}


def _row_topic(reading: Reading, r: int, label: str) -> tuple[Topic | None, str | None]:
    """The endpoint of a row and its subgroup: the label's endpoint; in an AE table the event;
    a label that only names a statistic ("Median (95% CI)") takes its section's endpoint; a
    subgroup ("WT", "Codon 12 mutation") takes the endpoint the label column's header names."""
    view, lang, ab = reading.view, reading.lang, reading.abbrevs
    grade = _context_grade(reading, r)
    t = relief_topic(reading, label) or topic_of(label, lang, ab)
    if t is not None:
        return _with_grade(t, grade), None
    sec = view.section_of.get(r)
    heads = view.header_of.get(r, [])
    label_head = " ".join(view.text(h, 0) for h in heads)
    if not label or rx("table.stat_label.v1").match(clean(label)):
        for source in (view.text(sec, 0) if sec is not None else "", label_head, view.caption):
            t = topic_of(source, lang, ab)
            if t is not None:
                return _with_grade(t, grade), None
        return None, None
    if reading.ae:
        return event_topic(label, lang, ab, grade), None
    t = topic_of(label_head, lang, ab)
    if t is not None and (endpoint_kind(t.code) == "time" or t.stat == "rate"):
        whole = rx("table.total_label.v1").match(label)
        return t, None if whole else clean(label)
    return None, None


def _column_grade(topic: Topic, col: Column) -> Topic:
    """An AE's grade from its column ("Grade 3", "Grade≥3"); "All grades" is no grade."""
    if topic.code != "AE":
        return topic
    grade = next((g for p in reversed(col.parts) if (g := grade_of(p.text))), None)
    if grade is None and not rx("table.any_grade.v1").search(col.text):
        return topic
    return Topic(topic.code, topic.stat, topic.timepoint, grade, topic.event)


def _context_grade(reading: Reading, r: int) -> str | None:
    view = reading.view
    sec = view.section_of.get(r)
    for text in (view.text(sec, 0) if sec is not None else "", view.caption):
        if rx("table.grade.v1").search(text) and not rx("table.any_grade.v1").search(text):
            return grade_of(text)
    return None


def _with_grade(t: Topic, grade: str | None) -> Topic:
    return (
        t if t.grade or not grade or t.code != "AE" else Topic(t.code, t.stat, None, grade, t.event)
    )


# --------------------------------------------------------------------------- arms in rows


def _read_arm_rows(reading: Reading) -> None:
    view = reading.view
    rows = [r for r in view.data_rows if not is_statistic(row_label(view, r))]
    arms = [r for r in rows if not is_p(row_label(view, r))]
    names = [_arm_cell(view, r) for r in arms]
    roles = dict(zip(arms, arm_roles([arm_name(n) for n in names]), strict=True)) if arms else {}
    for r in rows:
        cols = columns(view, view.header_of[r], reading.abbrevs)
        count = next((c for c in cols if c.kind == "count" or _is_size(c)), None)
        row_labels = [c for c in (view.grid[r][k] for k in view.label_cols) if c is not None]
        last: Topic | None = None  # a P column of no endpoint compares the column before it
        for col in cols:
            cell = view.grid[r][col.col]
            named = column_topic(reading, r, col) if col is not count else None
            topic = named or (last if col.kind in ("p", "measure") else None)
            last = named or last
            if cell is None or cell.row != r or not cell.text or col is count or topic is None:
                continue
            if r not in roles or col.kind in ("p", "measure"):
                effect(reading, Place(r, topic, None, col, cell, [*row_labels, *col.parts]))
                continue
            if col.kind != "value":
                continue
            name = _arm_cell(view, r)
            n = arm_size(name) or _count(view, r, count) or reading.caption_n
            arm_text = None if is_total(name) else arm_name(name)
            arm = Column(col.col, col.parts, col.kind, arm_text, roles[r], n, col.percent)
            if is_arm(name) or arm.role:
                subgroup = _other_label(view, r, name)
                used = [*row_labels, *col.parts]
                outcome(reading, Place(r, topic, subgroup, arm, cell, used), "")


def column_topic(reading: Reading, r: int, col: Column) -> Topic | None:
    """What a column of an arms-in-rows table reports: the endpoint its headers name, read
    leaf first ("1-year" over "OS rate (%)"), or in an AE table the event it names; the grade
    its headers give."""
    heads = " ".join(p.text for p in reversed(col.parts))
    topic = relief_topic(reading, heads) or topic_of(heads, reading.lang, reading.abbrevs)
    if topic is None and reading.ae and col.kind == "value":
        named = " ".join(p.text for p in col.parts if grade_of(p.text) is None)
        topic = event_topic(named, reading.lang, reading.abbrevs, _context_grade(reading, r))
    return _column_grade(topic, col) if topic is not None else None


def relief_topic(reading: Reading, text: str) -> Topic | None:
    """In a table about a symptom ("术后疼痛干预效果"), a degree of its relief (完全缓解,
    明显缓解, 轻度缓解) is a QOL rate: the symptom's relief, not a tumour response."""
    if not rx("table.symptom_caption.v1").search(reading.view.caption):
        return None
    return Topic("QOL", "rate") if rx("table.relief_header.v1").search(clean(text)) else None


def _arm_cell(view: TableView, r: int) -> str:
    texts = [view.text(r, c) for c in view.label_cols if view.text(r, c)]
    return next((t for t in texts if is_arm(t)), texts[-1] if texts else "")


def _other_label(view: TableView, r: int, arm: str) -> str | None:
    rest = [view.text(r, c) for c in view.label_cols if view.text(r, c) and view.text(r, c) != arm]
    return " ".join(rest) or None


def _is_size(col: Column) -> bool:
    return bool(col.parts) and bool(rx("table.count_header.v1").match(clean(col.parts[-1].text)))


def _count(view: TableView, r: int, col: Column | None) -> int | None:
    if col is None:
        return None
    v = cell_value(view.text(r, col.col))
    return int(v.value) if v is not None and v.unit is None and v.value >= 1 else None


# --------------------------------------------------------------------------- records


def outcome(reading: Reading, at: Place, label: str, value: CellValue | None = None) -> None:
    """The outcome of a value cell (or of ``value``, one side of a cell "12.4 vs 9.8")."""
    r, topic, col, cell = at.r, at.topic, at.col, at.cell
    v = value or cell_value(cell.text)
    if v is None or topic.grade == "0":  # grade 0: patients without the event
        return
    if topic.code in _RESPONSES and rx("table.symptom_caption.v1").search(reading.view.caption):
        return  # "术后疼痛干预效果": 完全缓解 is the pain's relief, no tumour response
    events, v = _events_beside(reading, r, col, v)
    if events is None and _no_patient(v, col):
        events = 0
    v = _ci_beside(reading, r, col, v)
    unit, stat = _unit_stat(reading, r, topic, col, v, label)
    if unit is None:
        return
    topic = _landmark(reading, r, topic, col, stat)
    ep = at.mention(topic, stat)
    value = Value(cell.start, cell.end, v.value, None, unit, v.qualifier, cell.text)
    ci = Interval(cell.start, cell.end, _ci_level(label), *v.ci) if v.ci else None
    trial, refs = _row_trial(reading, r)
    rec = emit.outcome(
        reading.ctx.nd,
        row_span(reading.view, reading.ctx.text, r),
        reading.lang,
        trial=trial,
        refs=refs,
        ep=ep,
        stat=stat,
        timepoint=topic.timepoint,
        v=value,
        ci=ci,
        arm=col.arm,
        role=col.role,
        subgroup=at.subgroup,
        rule_id="table.cell.v1",
        events=events if events is not None else v.events,
        n=v.n or col.n or reading.caption_n,
        evidence=_evidence(reading, r, [cell, *at.used]),
    )
    reading.out.append((cell.start, rec))


_RESPONSES = ("CR", "PR", "SD", "ORR", "DCR")


def _landmark(reading: Reading, r: int, topic: Topic, col: Column, stat: str) -> Topic:
    """A rate of a survival endpoint at the timepoint its column or section names ("1-year",
    "Two-year analysis")."""
    if stat != "rate" or topic.timepoint is not None or endpoint_kind(topic.code) != "time":
        return topic
    sec = reading.view.section_of.get(r)
    heads = f"{col.text} {reading.view.text(sec, 0) if sec is not None else ''}"
    return Topic(topic.code, "rate", timepoint_of(heads), topic.grade, topic.event)


def _no_patient(v: CellValue, col: Column) -> bool:
    """A bare 0 under a count-and-share header ("Hemorrhage | 0 | 2 (2.5)" under "n (%)"): no
    patient had it, events 0 (its share, 0%, the column's unit)."""
    return (
        v.value == 0
        and v.unit is None
        and not v.share
        and bool(rx("table.count_share_header.v1").search(col.text))
    )


def _events_beside(
    reading: Reading, r: int, col: Column, v: CellValue
) -> tuple[int | None, CellValue]:
    """A "%" column beside its arm's "No." column: the count is the value's events."""
    if v.share or col.col == 0:
        return None, v
    left = reading.view.grid[r][col.col - 1]
    heads = columns(reading.view, reading.view.header_of[r], reading.abbrevs)
    left_col = next((c for c in heads if c.col == col.col - 1), None)
    if left is None or left_col is None or left_col.kind != "count" or left_col.arm != col.arm:
        return None, v
    count = cell_value(left.text)
    return (int(count.value) if count is not None else None), v


def _ci_beside(reading: Reading, r: int, col: Column, v: CellValue) -> CellValue:
    """A value whose CI stands in the arm's next column ("29 (60.4)" | "(45.3, 74.2)" under
    "95% CI") gets it."""
    view = reading.view
    if v.ci is not None or col.col + 1 >= view.n_cols:
        return v
    right = view.grid[r][col.col + 1]
    heads = columns(view, view.header_of[r], reading.abbrevs)
    nxt = next((c for c in heads if c.col == col.col + 1), None)
    if right is None or nxt is None or nxt.arm != col.arm or "CI" not in nxt.text:
        return v
    m = rx("table.cell_interval.v1").match(clean(right.text))
    if m is None:
        return v
    ci = (float(m.group("lo")), float(m.group("hi")))
    return CellValue(v.value, v.unit, v.qualifier, v.events, v.n, ci, v.share)


def _unit_stat(
    reading: Reading, r: int, topic: Topic, col: Column, v: CellValue, label: str
) -> tuple[str | None, str]:
    """The value's unit and statistic: from the cell, else the endpoint's kind and the headers
    (the section label over the row too: "缓解率(%)" over "完全缓解(CR) | 13")."""
    kind = endpoint_kind(topic.code)
    sec = reading.view.section_of.get(r)
    section = reading.view.text(sec, 0) if sec is not None else ""
    context = f"{col.text} {label}"
    if kind == "time" and v.share:
        return None, "rate"  # "28 (18)" under PFS "Events, No. (%)": events, not the endpoint
    as_rate = v.unit is None and col.percent and v.ci is None
    if rx("table.median_context.v1").search(context):
        as_rate = False
    if kind == "time" and not topic.timepoint and not as_rate:
        stat = "mean" if "mean" in context.lower() else "median"
        if v.unit in (None, "month"):
            return "month", stat
        return None, stat
    if v.unit == "percent":
        return "percent", "rate"
    if v.unit is None and (
        col.percent
        or rx("table.percent_context.v1").search(f"{label} {section}")
        or reading.caption_percent
    ):
        if rx("table.count_label.v1").search(context):
            return None, "rate"
        return "percent", "rate"
    return None, "rate"


def _ci_level(label: str) -> float | None:
    """0.95 when the row itself says 95% ("Median (95% CI)"): a record holds no value its
    evidence, the row, does not show, so a level written only in a header is left out."""
    return 0.95 if "95" in label else None


def effect(reading: Reading, at: Place) -> None:
    """The effect of a P cell or an HR cell. An HR written on the line under its row's P
    ("WT | … | 0.29" then " | | | 0.82 (0.56-1.19)") completes that row's effect."""
    r, topic, subgroup, col, cell = at.r, at.topic, at.subgroup, at.col, at.cell
    m, ci = _measure(col, cell, cell.text)
    p = cell_p(cell.text) if m is None else None
    both = rx("table.cell_p_measure.v1").match(clean(cell.text)) if m is None else None
    if both is not None:  # "0.18 0.81 (0.61-1.09)" under "p-value (log rank)" / "HR (95% CI)"
        m, ci = _measure(col, cell, both.group("m"))
        p = cell_p(both.group("p")) if m is not None else None
    if m is None and p is None:
        return
    trial, refs = _row_trial(reading, r)
    ep = at.mention(topic, topic.stat)
    rec = emit.effect(
        reading.ctx.nd,
        row_span(reading.view, reading.ctx.text, r),
        reading.lang,
        trial=trial,
        refs=refs,
        endpoint=topic.code,
        ep=ep,
        subgroup=subgroup,
        m=m,
        ci=ci,
        p=p,
        evidence=_evidence(reading, r, [cell, *at.used]),
    )
    key = (topic, subgroup, col.col)
    before = reading.effects.get(key)
    if before is not None and _complete(before, rec, reading, r):
        return
    reading.effects[key] = (r, rec)
    reading.out.append((cell.start, rec))


def _measure(col: Column, cell: GridCell, text: str) -> tuple[Measure | None, Interval | None]:
    """An HR / OR / RR and its CI, from ``text`` ("0.82 (0.56-1.19)") of a measure column's
    cell."""
    v = cell_value(text)
    if col.kind != "measure" or v is None or v.ci is None:
        return None, None
    code = rx("table.measure_header.v1").search(col.text)
    name = measure_code(code.group("code")) if code else "difference"
    m = Measure(cell.start, cell.end, name, v.value, "")
    return m, Interval(cell.start, cell.end, _ci_level(""), *v.ci)


def _complete(before: tuple[int, dict], rec: dict, reading: Reading, r: int) -> bool:
    """Fold ``rec`` into the effect of the row above when one has the P and the other the
    measure; True when folded."""
    row, old = before
    own = row_label(reading.view, r)
    if row != r - 1 or (own and _stat_row(own) is None and not continues_label(reading.view, r)):
        return False
    if (old["measure"] is None) == (rec["measure"] is None):
        return False
    keep = (
        ("measure", "value", "ci_level", "ci_low", "ci_high")
        if old["measure"] is None
        else (
            "p_value",
            "p_qualifier",
        )
    )
    for k in keep:
        old[k] = rec[k]
    old["rule_id"] = "table.effect.measure.v1"
    ev, more = old["evidence"][0], rec["evidence"][0]
    ev["end"] = more["end"]
    ev["text"] = reading.ctx.text[ev["start"] : ev["end"]]
    _join_evidence(ev, more)
    return True


def _join_evidence(ev: dict, more: dict) -> None:
    """``ev`` also holds the cells (and their box) of ``more``."""
    ev["cell"] += [c for c in more["cell"] if c not in ev["cell"]]
    if ev.get("bbox") and more.get("bbox"):
        a, b = ev["bbox"], more["bbox"]
        ev["bbox"] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _evidence(reading: Reading, r: int, used: list[GridCell]) -> dict:
    cells = list(dict.fromkeys((c.row, c.col) for c in used))
    boxes = [c.bbox for c in used if c.bbox is not None]
    a, e = row_span(reading.view, reading.ctx.text, r)
    return emit.table_evidence(reading.ctx.nd, a, e, reading.view.index, cells, boxes)
