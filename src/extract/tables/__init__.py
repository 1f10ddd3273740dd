"""Tables → records: the outcomes and effects each results table of a document reports.

The table engine reads ``Document.tables`` whatever reader made them (JATS, converter
Markdown, PDF): :mod:`.grid` lays the cells out, :mod:`.axes` tells the arms' axis and the
columns, :mod:`.headers` what the labels say, :mod:`.cells` what a cell holds, and
:mod:`.read` makes the records (``source: "table"``). The text stages leave table spans
to it (:func:`table_spans`).
"""

from .read import table_records
from .spans import table_spans

__all__ = ["table_records", "table_spans"]
