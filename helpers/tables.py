"""Tables a learner reads: pandas DataFrames that render without empty header cells, in a scroll region.

pandas' HTML puts an empty ``<th>`` above the index (and a row of them under a named index); screen
readers announce them as headerless columns (axe-core: empty-table-header). ``learner_table`` keeps the
DataFrame (``.loc``, columns, ``to_csv`` all work) and changes only how Jupyter shows it: the index
becomes a named first column, and a wide table scrolls inside a labelled region that a keyboard can
reach (axe-core: scrollable-region-focusable). Used by the notebooks' tables in helpers.lesson,
helpers.users, helpers.root_keys and helpers.cleanup.
"""

from __future__ import annotations

import html

import pandas as pd

ROW_HEADER = "item"  # the header of an index column that has no name


def region_html(inner: str, label: str) -> str:
    """*inner* HTML in a scrolling region a keyboard can reach, named *label* for screen readers."""
    return (
        f'<div class="aml-table" role="region" aria-label="{html.escape(label)}" tabindex="0" '
        f'style="overflow-x:auto;max-width:100%">{inner}</div>'
    )


class LearnerFrame(pd.DataFrame):
    """A DataFrame shown without pandas' empty index headers (see the module docstring)."""

    _metadata = ["label"]

    @property
    def _constructor(self):
        return LearnerFrame

    def _repr_html_(self) -> str:
        frame = pd.DataFrame(self)
        if not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None):
            frame = frame.reset_index()
        frame.columns = [str(c) if str(c).strip() else ROW_HEADER for c in frame.columns]
        table = frame.to_html(index=False, na_rep="", border=0)
        return region_html(table, getattr(self, "label", None) or "Table")


def learner_table(frame: pd.DataFrame, label: str) -> LearnerFrame:
    """*frame* as a ``LearnerFrame`` whose scroll region is named *label* (e.g. "Preflight checks")."""
    shown = LearnerFrame(frame)
    shown.label = label
    return shown
