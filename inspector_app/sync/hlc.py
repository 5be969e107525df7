"""Hybrid logical clocks (Kulkarni et al., 2014): wall time that never runs backwards.

A stamp is the largest wall-clock millisecond seen so far (locally or in a received stamp),
a counter that orders events within that millisecond, and the node (device) id that breaks
the remaining ties. Stamps encode as fixed-width text, so comparing the strings compares the
clocks and the server can keep them in a plain column. A laptop whose clock is hours off
still orders its own edits after everything it has seen from others: an edit made after a
pull always carries a later stamp than what the pull brought.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

_MILLIS_WIDTH = 15
_COUNTER_WIDTH = 6
_MAX_COUNTER = 10**_COUNTER_WIDTH - 1


class InvalidStampError(ValueError):
    """Text that is not a hybrid-logical-clock stamp."""


@dataclass(frozen=True, order=True)
class Stamp:
    """One clock reading; ordering is (millis, counter, node)."""

    millis: int
    counter: int
    node: str

    def encode(self) -> str:
        """Fixed-width text whose lexical order is the clock order."""
        return f"{self.millis:0{_MILLIS_WIDTH}d}.{self.counter:0{_COUNTER_WIDTH}d}.{self.node}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        """Parse :meth:`encode`'s text."""
        parts = text.split(".", 2)
        if len(parts) != 3 or len(parts[0]) != _MILLIS_WIDTH or len(parts[1]) != _COUNTER_WIDTH:
            raise InvalidStampError(f"not a clock stamp: {text!r}")
        try:
            return cls(int(parts[0]), int(parts[1]), parts[2])
        except ValueError as error:
            raise InvalidStampError(f"not a clock stamp: {text!r}") from error


def wall_millis() -> int:
    """The machine clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


class HybridClock:
    """A node's clock: ``now()`` for local events, ``observe()`` for received stamps.

    Not thread-safe; each profile's sync engine owns one and persists ``last`` between runs.
    """

    def __init__(
        self, node: str, last: str | None = None, wall: Callable[[], int] = wall_millis
    ) -> None:
        if "." in node or not node:
            raise ValueError("the node id must be non-empty and contain no '.'")
        self.node = node
        self._wall = wall
        self._millis = 0
        self._counter = 0
        if last:
            self.observe(last)

    @property
    def last(self) -> str:
        """The latest stamp issued or observed, to persist."""
        return Stamp(self._millis, self._counter, self.node).encode()

    def now(self) -> str:
        """A stamp later than every stamp issued or observed so far."""
        wall = self._wall()
        if wall > self._millis:
            self._millis, self._counter = wall, 0
        else:
            self._advance_counter()
        return Stamp(self._millis, self._counter, self.node).encode()

    def observe(self, stamp: str) -> None:
        """Move the clock past a received stamp (never backwards)."""
        seen = Stamp.decode(stamp)
        self._millis, self._counter = max(
            (self._millis, self._counter), (seen.millis, seen.counter)
        )

    def _advance_counter(self) -> None:
        if self._counter == _MAX_COUNTER:
            self._millis += 1
            self._counter = 0
        else:
            self._counter += 1
