"""The random stream of a draw: numpy's PCG64 bit generator, used only through its raw words.

numpy guarantees the output of its bit generators (PCG64 seeded through ``SeedSequence``)
across versions, but not the algorithms of ``Generator`` methods (``choice``,
``permutation``, …), which may change. So every method here consumes the stream only as
raw 64-bit words (``random_raw``) and turns them into a selection with rules written down
in docs/sampling.md; a third party with the seed and a PCG64 implementation (numpy, the
PCG reference code, or the 60-line Python in the tests) gets the same words.
"""

from __future__ import annotations

import secrets

import numpy as np
import numpy.typing as npt

GENERATOR_NAME = "numpy.random.PCG64"
SEED_BITS = 128
_TWO_64 = 1 << 64


class Stream:
    """The words of PCG64 seeded with ``SeedSequence(seed)``, consumed in order."""

    def __init__(self, seed: int) -> None:
        check_seed(seed)
        self.seed = seed
        self._bits = np.random.PCG64(seed)
        self.used = 0

    def words(self, count: int) -> npt.NDArray[np.uint64]:
        """The next ``count`` 64-bit words of the stream."""
        self.used += count
        if count == 0:
            return np.zeros(0, dtype=np.uint64)
        return np.asarray(self._bits.random_raw(count), dtype=np.uint64)

    def word(self) -> int:
        """The next word as a Python int."""
        return int(self.words(1)[0])

    def below(self, bound: int) -> int:
        """A uniform integer in ``[0, bound)`` by rejection (exact, no modulo bias).

        Words at or above ``limit = 2**64 - (2**64 mod bound)`` are discarded; the first
        word below it gives ``word mod bound``.
        """
        if not 0 < bound <= _TWO_64:
            raise ValueError("bound must be between 1 and 2**64")
        limit = _TWO_64 - (_TWO_64 % bound)
        while True:
            value = self.word()
            if value < limit:
                return value % bound


def check_seed(seed: int) -> int:
    """The seed if it is a 128-bit non-negative integer, else ``ValueError``."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 1 << SEED_BITS:
        raise ValueError("the seed must be an integer between 0 and 2**128 - 1")
    return seed


def new_seed() -> int:
    """A fresh 128-bit seed from the operating system's CSPRNG (``secrets``)."""
    return secrets.randbits(SEED_BITS)


def parse_seed(text: str) -> int:
    """A seed stored or typed as decimal text.

    Raises:
        ValueError: not a decimal integer in range.
    """
    value = text.strip()
    if not value.isdigit():
        raise ValueError("the seed must be a decimal integer")
    return check_seed(int(value))


def generator_label() -> str:
    """What the draw record stores as ``generator``: the bit generator and numpy's version."""
    return f"{GENERATOR_NAME} numpy {np.__version__}"


def numpy_major(label: str) -> int | None:
    """The numpy major version recorded in a ``generator`` label (None if unreadable)."""
    _name, _sep, rest = label.partition(" numpy ")
    head = rest.split(".", 1)[0]
    return int(head) if head.isdigit() else None
