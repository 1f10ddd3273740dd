"""Tables of PubMed Central plain text left inline in a paragraph, cells between spaces.

Some PMC plain-text renderings (the Evidence Inference corpus's) write a table inside the
paragraph that cites it, its caption, header and rows on one line, cells separated by single
spaces and a row's indentation kept as runs of spaces (PMC5739798, PMC4317856)::

    … as shown in Table 5.   Table 5 Adverse Events and Complications Surgery plus rAd-p53
    N=82 n (%) Surgery alone N=81 n (%) Pneumonia 29 (35.4) 22 (27.2) Respiratory failure
    13 (15.9) 8 (9.8) Hemorrhage 0 2 (2.5) …

:func:`inline_tables` reads such a table back into the header and rows of a
:class:`~.linetables.LineTable`, which the PMC reader lays out as every other table, so each
value cell gets its record with the row as evidence; the text around it stays a paragraph.
The line says nothing of where a cell ends but spaces, so a table is read only when its shape
is certain:

- rows: a label of words, then as many value cells as every other row ("29 (35.4)", "0",
  "8.2 months", "<0.001"), a label without cells being a section row; at least two rows;
- columns: the header names as many groups as there are columns, each group's name closed by
  its size ("Surgery plus rAd-p53 N=82", "DZ group ( N = 49)"), or groups over the same
  column heads repeated ("All ≥Grade 3 All ≥Grade 3 Number % Number % …" under two groups: the
  heads of each group, then their sub-heads), with the P-value column beside them.

A table whose header does not so decode (no group sizes, levels that do not divide the
columns evenly), or whose values run together without spaces ("Neutropenia34.15.4<0.0001"),
stays the paragraph it was.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .linetables import LineCell, LineTable

# "  Table 5 Adverse …": a caption inside a paragraph, after a run of spaces (or opening the
# line); "Table 2 shows the adverse events …" is a sentence, not a caption
CAPTION = re.compile(r"(?:(?<=\s\s)|^)(?:Table|TABLE)\s+\d+[A-Za-z]?\s+(?=[A-Z(])")
_VERB_AFTER = re.compile(
    r"(?:shows?|summari[sz]es|lists?|presents?|gives?|displays?|details?|reports?|describes?|"
    r"depicts?|provides?|illustrates?|compares?|contains?)\b"
)
# one value: a number (signed, compared, with its % or a footnote mark), a ratio, a no-value
_NUMBER = re.compile(
    r"^[<>≤≥~]?[-−–]?(?:\d+(?:[.,·]\d+)?|\.\d+)%?[*†‡§¶⁎a-d]?$"
    r"|^\d+/\d+$"
    r"|^(?:NR|NS|NA|N/A|NE|ND|—|–|-|--|…)$"
)
_PAREN_VALUE = re.compile(r"^[(\[][^()\[\]]*\d[^()\[\]]*[)\]]%?$")  # "(35.4)", "(4.0–9.0)"
_UNIT_WORD = re.compile(r"^(?:months?|mo|days?|weeks?|wk|years?|yr)$")
# a group's size closing its name: "N=82", "( N  = 49)", "(n = 41)"
_SIZE = re.compile(r"\(?\s*[Nn]\s*=\s*[\d,]+\s*\)?")
# the heads of a group's columns: count and share, grades, a statistic
_SUBHEAD = re.compile(
    r"^(?:n|N|No\.?|No|Number|%|\(%\)|n\s*\(%\)|All|Any|Total|Grade|grades?|≥Grade|"
    r"Grade≥\d|≥\d|\d(?:[-–/]\d)?|Grade\s*\S+|\.|All\s+grades)$"
)
_P_HEAD = re.compile(r"(?i)^(?:p|p\s*-?\s*values?|p-value)$")
_MIN_ROWS = 2
# a word closing a sentence (not "No." or "vs."): a label holding one is prose
_SENTENCE_END = re.compile(r"[a-z]{3,}[.!?]$")
_MAX_LABEL_WORDS = 14  # a longer run of words is prose: the table has ended


@dataclass
class _Token:
    text: str
    start: int  # offset in the file
    gap_before: int  # spaces before it


@dataclass
class _Row:
    label: list[_Token]
    cells: list[list[_Token]]


@dataclass
class InlineTable:
    start: int  # file offset of "Table N"
    header_start: int  # file offset where the caption ends and the header begins
    end: int  # file offset just after the last row's last cell
    table: LineTable
    caption: str


def inline_tables(line: str, at: int) -> list[InlineTable]:
    """The tables written inline in ``line`` (which starts at file offset ``at``), in order."""
    out = []
    starts = [m.start() for m in CAPTION.finditer(line) if not _VERB_AFTER.match(line, m.end())]
    for n, s in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(line)
        found = _read(line, s, stop, at)
        if found is not None:
            out.append(found)
    return out


def _tokens(line: str, lo: int, hi: int, at: int) -> list[_Token]:
    """Words of ``line[lo:hi]`` with their file offsets; a parenthesis split by spaces ("( N  =
    49)", "(42.0 to 58.0)") is one token."""
    out: list[_Token] = []
    for m in re.finditer(r"\S+", line[lo:hi]):
        a = lo + m.start()
        gap = a - (out[-1].start - at + len(out[-1].text)) if out else 0
        tok = _Token(m.group(), at + a, gap)
        prev = out[-1] if out else None
        if prev is not None and _open(prev.text) and len(prev.text) + len(tok.text) < 40:
            prev.text = line[prev.start - at : a + len(tok.text)]
            continue
        out.append(tok)
    return out


def _open(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _is_number(t: _Token) -> bool:
    return bool(_NUMBER.match(t.text))


def _rows(tokens: list[_Token]) -> list[_Row]:
    """Tokens as written: runs of words (a label), each followed by its value cells (a number
    with the parenthesis or unit after it)."""
    rows: list[_Row] = []
    label: list[_Token] = []
    cells: list[list[_Token]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _is_number(t):
            cell = [t]
            while i + 1 < len(tokens) and (
                _PAREN_VALUE.match(tokens[i + 1].text) or _UNIT_WORD.match(tokens[i + 1].text)
            ):
                i += 1
                cell.append(tokens[i])
            cells.append(cell)
        else:
            if cells:
                rows.append(_Row(label, cells))
                label, cells = [], []
            label.append(t)
        i += 1
    rows.append(_Row(label, cells))
    return rows


def _width(rows: list[_Row]) -> int | None:
    """The number of value columns: the commonest count of cells of a labelled row."""
    sizes = Counter(len(r.cells) for r in rows if r.cells and r.label)
    if not sizes:
        return None
    k, n = sizes.most_common(1)[0]
    return k if n >= _MIN_ROWS else None


def _body(rows: list[_Row], k: int) -> tuple[int, int] | None:
    """``(first, last + 1)`` of the rows that make the table: from the first row of ``k`` cells
    on, each of ``k`` cells (a section row: its label alone is merged into the next label)."""
    for r in rows:
        if (
            len(r.cells) == k + 1
            and len(r.cells[0]) == 1
            and re.fullmatch(r"\d{1,2}", r.cells[0][0].text)
        ):
            r.label, r.cells = [*r.label, r.cells[0][0]], r.cells[1:]  # "ECOG  0 47 (57.3) …"
    first = next((n for n, r in enumerate(rows) if len(r.cells) == k and r.label), None)
    if first is None:
        return None
    last = first
    for n in range(first, len(rows)):
        r = rows[n]
        if len(r.cells) != k or not r.label or (n > first and _prose(r.label)):
            break
        last = n
    return (first, last + 1) if last + 1 - first >= _MIN_ROWS else None


def _prose(label: list[_Token]) -> bool:
    """Words that are a sentence, not a row's label: too many of them, a sentence's end inside
    ("… nodal involvement. Of 29"), or a clause left open ("patients having involved nodes,")."""
    if len(label) > _MAX_LABEL_WORDS or label[-1].text.endswith((",", ";", ":")):
        return True
    return any(
        _SENTENCE_END.search(t.text) and nxt.text[:1].isupper()
        for t, nxt in zip(label, label[1:], strict=False)
    )


def _split_label(row: _Row) -> tuple[list[_Token], list[_Token]]:
    """A row's label as (section, label): words before a run of spaces that indents the row
    ("Primary endpoints     ACR20 at week 14") are a section row's."""
    for n in range(len(row.label) - 1, 0, -1):
        if row.label[n].gap_before >= 2:
            return row.label[:n], row.label[n:]
    return [], row.label


def _read(line: str, lo: int, hi: int, at: int) -> InlineTable | None:
    tokens = _tokens(line, lo, hi, at)
    if len(tokens) < 6:
        return None
    rows = _rows(tokens[2:])  # "Table 5" first
    k = _width(rows)
    if k is None:
        return None
    span = _body(rows, k)
    if span is None:
        return None
    body = rows[span[0] : span[1]]
    if any(_glued(cell) for r in body for cell in r.cells):
        return None
    first_label = body[0].label
    head_tokens = [t for t in tokens[2:] if t.start < first_label[0].start]
    # the first row's label is the words after the header's last size or head
    header = _header(head_tokens, first_label, k)
    if header is None:
        return None
    head, first_words = header
    if not first_words or any(_is_number(t) for t in first_words) or _prose(first_words):
        return None  # header words left over: the columns were not those the header names
    body[0] = _Row(first_words, body[0].cells)
    out_rows: list[list[LineCell]] = []
    for r in body:
        section, label = _split_label(r)
        if section:
            out_rows.append([_cell(section)])
        out_rows.append([_cell(label), *(_cell(c) for c in r.cells)])
    last = body[-1].cells[-1][-1]
    caption_end = head[0][1].start  # the caption runs to the first group's name
    caption = line[lo : caption_end - at].strip()
    return InlineTable(
        start=at + lo,
        header_start=caption_end,
        end=last.start + len(last.text),
        table=LineTable(head, out_rows, end=0),
        caption=caption,
    )


def _glued(cell: list[_Token]) -> bool:
    """Values run together without a space ("34.15.4", "12.7 (6.9 – 18.4)3.5")."""
    return bool(re.search(r"\d\.\d+\.\d|\)\d", cell[0].text))


def _cell(tokens: list[_Token]) -> LineCell:
    """Tokens as one cell, its text as the file writes it (the spaces between kept)."""
    text = tokens[0].text + "".join(" " * t.gap_before + t.text for t in tokens[1:])
    return LineCell(text, tokens[0].start)


def _header(
    head: list[_Token], first_label: list[_Token], k: int
) -> tuple[list[list[LineCell]], list[_Token]] | None:
    """The header rows over ``k`` columns (labels' head, groups, their heads) read from the words
    before the first row, and the first row's label; None when they do not decode (a group's
    name is told from the caption only by the next group's, so two groups at least)."""
    words = head + first_label
    sizes = [n for n, t in enumerate(words) if _SIZE.fullmatch(t.text)]
    if len(sizes) < 2:
        return None
    groups = len(sizes)
    after = words[sizes[-1] + 1 :]
    # what follows the last size: that group's heads, the P column's head, the sub-heads of
    # every group, then the first row's label
    extra, subs, rest = _column_heads(after, groups, k)
    last_units: list[_Token] = []
    if subs == []:
        rest, last_units = _last_units(words, sizes, rest)
    if subs is None or not rest:
        return None
    group_cells = _group_names(words, sizes, last_units)
    if group_cells is None:
        return None
    per_group = (k - (1 if extra else 0)) // groups
    corner = LineCell("", group_cells[0].start)
    top = [corner]
    for g in group_cells:
        g.colspan = per_group
        top.append(g)
    if extra:
        top.append(LineCell(_join(extra), extra[0].start))
    if per_group == 1:
        return [top], rest
    corner.rowspan = len(subs) + 1
    if extra:
        top[-1].rowspan = len(subs) + 1
    return [top, *subs], rest


def _unit_heads(tokens: list[_Token]) -> int:
    """How many of ``tokens`` open with a group's unit heads ("n (%)", "No. %")."""
    n = 0
    while n < len(tokens) and _SUBHEAD.match(tokens[n].text):
        n += 1
    return n


def _last_units(
    words: list[_Token], sizes: list[int], rest: list[_Token]
) -> tuple[list[_Token], list[_Token]]:
    """One column a group: the last group's unit heads ("n (%)") at the start of ``rest``, the
    same words the first group's size is followed by ("… N=82 n (%) Surgery alone N=81 n (%)
    Any Rec 9 (11.0)": "Any" is the first row's)."""
    first = words[sizes[0] + 1 : sizes[1]]
    n = _unit_heads(first)
    if n and [t.text for t in rest[:n]] == [t.text for t in first[:n]]:
        return rest[n:], rest[:n]
    return rest, []


def _join(tokens: list[_Token]) -> str:
    return " ".join(t.text for t in tokens)


def _group_names(
    words: list[_Token], sizes: list[int], last_units: list[_Token]
) -> list[LineCell] | None:
    """Each group's name with its size and the unit heads written after it ("Surgery plus
    rAd-p53 N=82 n (%)": what a bare "0" under it counts): a name runs from the end of the
    group before (its unit heads) to its size; the first group's name starts where the
    second's first word recurs, else it has as many words as the second's (the words before
    are the caption's and the labels' head). ``last_units`` are the last group's unit heads."""
    spans = [words[: sizes[0]]]
    units: list[list[_Token]] = []
    for prev, s in zip(sizes, sizes[1:], strict=False):
        seg = words[prev + 1 : s]
        n = _unit_heads(seg)
        units.append(seg[:n])  # "n (%)" under the group before
        spans.append(seg[n:])
    units.append(last_units)
    if any(not seg for seg in spans[1:]):
        return None
    first, second = spans[0], spans[1]
    lead_word = second[0].text.lower()
    hits = [n for n, t in enumerate(first) if t.text.lower() == lead_word and n > 0]
    if hits:
        cut = hits[-1]
    elif len(first) > len(second):
        cut = len(first) - len(second)
    else:
        return None
    names = [first[cut:], *spans[1:]]
    return [
        _cell([*seg, words[s], *unit]) for seg, s, unit in zip(names, sizes, units, strict=True)
    ]


def _column_heads(
    after: list[_Token], groups: int, k: int
) -> tuple[list[_Token], list[list[LineCell]] | None, list[_Token]]:
    """From the words after the last group's size: the P column's head (when there is one), the
    levels of heads repeated under each group, and the words left (the first row's label)."""
    words = list(after)
    extra: list[_Token] = []
    levels: list[list[LineCell]] = []
    # a P-value head right after the groups: "P -value", "p-value", "P"
    for width in (2, 1):
        if len(words) >= width and _P_HEAD.match(_join(words[:width]).replace(" ", "")):
            extra = words[:width]
            words = words[width:]
            break
    columns = k - (1 if extra else 0)
    if columns % groups:
        return extra, None, words
    per_group = columns // groups
    if per_group == 1:
        return extra, [], words  # unit heads ("n (%)") under a group are its name's (_last_units)
    # levels of heads, each the same units repeated under every group (or every unit above)
    span = groups
    while span < columns:
        unit = _repeated_unit(words, columns // span if span else 0, span)
        if unit is None:
            return extra, None, words
        n_units, used = unit
        cells = []
        for i in range(span):
            block = words[i * used // span : (i + 1) * used // span]
            cells.extend(_split_units(block, n_units))
        if len(cells) != span * n_units:
            return extra, None, words
        for c in cells:
            c.colspan = columns // (span * n_units)
        levels.append(cells)
        words = words[used:]
        span *= n_units
    return extra, levels, words


def _repeated_unit(words: list[_Token], max_units: int, times: int) -> tuple[int, int] | None:
    """``(units per block, words used)`` of the shortest block of head words repeated ``times``
    times at the start of ``words``."""
    for size in range(1, len(words) // times + 1):
        block = [t.text for t in words[:size]]
        if not all(_SUBHEAD.match(t) or t.startswith(("≥", "≤", "Grade")) for t in block):
            continue
        if all([t.text for t in words[i * size : (i + 1) * size]] == block for i in range(times)):
            units = len(_split_units(words[:size], None))
            if 1 < units <= max_units and max_units % units == 0:
                return units, size * times
    return None


def _split_units(block: list[_Token], n: int | None) -> list[LineCell]:
    """Head words as cells: a new head starts at a word not a number ("All", "≥Grade 3"; "No .",
    "%")."""
    cells: list[list[_Token]] = []
    for t in block:
        if cells and (re.match(r"^[\d.]", t.text) and not t.text.startswith("%")):
            cells[-1].append(t)
        else:
            cells.append([t])
    out = [LineCell(_join(c), c[0].start) for c in cells]
    if n is not None and len(out) != n:
        return []
    return out
