"""A table that loads its rows a page at a time as the user scrolls (a million claims).

The view asks ``canFetchMore``/``fetchMore`` when the scroll bar nears the end; the model
then asks for the next page on the worker pool and appends it when it arrives, so the GUI
thread never waits for the database. ``restart`` (a new filter) bumps a generation number:
a page that arrives for an older generation is dropped. Sorting is the service's order
(a header click would only sort the rows loaded so far, which misleads on a partial list).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QWidget

from ui.widgets.data_table import Column, DataTableWidget, RowTableModel

R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[R]):
    """A page of rows and the cursor of the next one (None: the list is complete)."""

    rows: list[R]
    cursor: Any


# Runs ``work`` off the GUI thread and hands the result to ``done`` (or the error to ``failed``).
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class LazyRowTableModel(RowTableModel[R]):
    """Rows fetched page by page through ``fetch(cursor)`` on ``runner``."""

    page_loaded = Signal(int)  # rows so far
    page_failed = Signal(object)

    def __init__(self, columns: Sequence[Column[R]], parent: QWidget | None = None) -> None:
        super().__init__(columns, parent)
        self._fetch: Callable[[Any], Page[R]] | None = None
        self._runner: Runner | None = None
        self._cursor: Any = None
        self._complete = True
        self._fetching = False
        self._generation = 0

    @property
    def complete(self) -> bool:
        """True once the last page has arrived."""
        return self._complete

    @property
    def fetching(self) -> bool:
        """True while a page is on its way."""
        return self._fetching

    def restart(self, fetch: Callable[[Any], Page[R]], runner: Runner) -> None:
        """Drop every row and start again with ``fetch`` (first page requested at once)."""
        self._generation += 1
        self._fetch, self._runner = fetch, runner
        self._cursor, self._complete, self._fetching = None, False, False
        self.set_rows([])
        self.fetchMore(QModelIndex())

    def clear(self) -> None:
        """Drop every row and forget the fetch: a page still on its way is dropped on arrival."""
        self._generation += 1
        self._fetch, self._runner = None, None
        self._cursor, self._complete, self._fetching = None, True, False
        self.set_rows([])

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self._complete and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if parent.isValid() or self._complete or self._fetching:
            return
        fetch, runner = self._fetch, self._runner
        if fetch is None or runner is None:
            return
        self._fetching = True
        generation, cursor = self._generation, self._cursor

        def arrived(page: Page[R]) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            self._cursor = page.cursor
            self._complete = page.cursor is None
            if page.rows:
                first = len(self.rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
                self.rows.extend(page.rows)
                self.endInsertRows()
            self.page_loaded.emit(len(self.rows))

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            self._complete = True
            self.page_failed.emit(error)

        runner(lambda: fetch(cursor), arrived, failed)


class LazyTableWidget(DataTableWidget[R]):
    """A :class:`DataTableWidget` whose model is a :class:`LazyRowTableModel`."""

    def __init__(self, columns: Sequence[Column[R]], parent: QWidget | None = None) -> None:
        super().__init__(columns, parent)
        self.lazy_model: LazyRowTableModel[R] = LazyRowTableModel(columns, self)
        self.row_model = self.lazy_model
        # No proxy in between: it would re-map every loaded row on each appended page.
        self.setSortingEnabled(False)
        self.setModel(self.lazy_model)
        self.lazy_model.page_loaded.connect(self._first_page)

    def _first_page(self, count: int) -> None:
        if count and not self._fitted:
            self.fit_columns()

    def visible_rows(self) -> list[Any]:
        """Every row loaded so far, in the service's order."""
        return list(self.lazy_model.rows)

    def select_first(self) -> None:
        """Select the first row (keyboard users land on something)."""
        if self.lazy_model.rows:
            self.selectRow(0)
