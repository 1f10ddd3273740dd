"""Where the tables stand in the normalized text: spans the text stages do not read."""

from __future__ import annotations

import bisect

from ..normalize import NormalizedDocument


def table_spans(nd: NormalizedDocument) -> list[tuple[int, int]]:
    """``[start, end)`` in ``nd.text`` of every table of the document (its cells, not its caption
    or footnotes, which the readers write as paragraphs of their own), in text order."""
    out = []
    for t in nd.doc.tables:
        a = bisect.bisect_left(nd.origin, int(t["start"]))
        e = bisect.bisect_left(nd.origin, int(t["end"]))
        if e > a:
            out.append((a, e))
    return sorted(out)
