"""Render documents in a chosen language and restore the previous one afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from inspector_app import i18n

T = TypeVar("T")


@contextmanager
def language(code: str) -> Iterator[None]:
    """Make ``code`` the active language for the block."""
    previous = i18n.current_language()
    i18n.set_language(code)
    try:
        yield
    finally:
        i18n.set_language(previous)


def in_language(code: str, build: Callable[[], T]) -> T:
    """``build()`` with ``code`` active (for module-scoped fixtures, which run outside tests)."""
    with language(code):
        return build()
