"""A third party's reproduction of a draw, from docs/sampling.md alone, without numpy.

``PCG64`` and ``SeedSequence`` below follow the published algorithms (O'Neill's PCG
XSL-RR 128/64 with its default multiplier; numpy's SeedSequence hash mixing, NEP 19), and
the draw rules follow the documentation. If the code and the documentation drift apart,
the tests that compare these functions with the application fail.
"""

from __future__ import annotations

import hashlib

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
M128 = (1 << 128) - 1
INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
POOL_SIZE = 4
PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645


def _words32(value: int) -> list[int]:
    out = []
    while True:
        out.append(value & M32)
        value >>= 32
        if not value:
            return out


class _Hash:
    def __init__(self, constant: int) -> None:
        self.constant = constant

    def __call__(self, value: int, multiplier: int) -> int:
        value = (value ^ self.constant) & M32
        self.constant = (self.constant * multiplier) & M32
        value = (value * self.constant) & M32
        return value ^ (value >> 16)


def _mix(x: int, y: int) -> int:
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & M32
    return result ^ (result >> 16)


def seed_sequence_state(seed: int, words64: int) -> list[int]:
    """``SeedSequence(seed).generate_state(words64, uint64)``."""
    entropy = _words32(seed)
    hash_a = _Hash(INIT_A)
    pool = [hash_a(entropy[i] if i < len(entropy) else 0, MULT_A) for i in range(POOL_SIZE)]
    for source in range(POOL_SIZE):
        for target in range(POOL_SIZE):
            if source != target:
                pool[target] = _mix(pool[target], hash_a(pool[source], MULT_A))
    for source in range(POOL_SIZE, len(entropy)):
        for target in range(POOL_SIZE):
            pool[target] = _mix(pool[target], hash_a(entropy[source], MULT_A))
    hash_b = _Hash(INIT_B)
    out32 = [hash_b(pool[i % POOL_SIZE], MULT_B) for i in range(2 * words64)]
    return [out32[2 * k] | (out32[2 * k + 1] << 32) for k in range(words64)]


class PCG64:
    """PCG XSL-RR 128/64 seeded as numpy seeds it from a SeedSequence."""

    def __init__(self, seed: int) -> None:
        s = seed_sequence_state(seed, 4)
        initial_state = (s[0] << 64) | s[1]
        sequence = (s[2] << 64) | s[3]
        self.increment = ((sequence << 1) | 1) & M128
        self.state = 0
        self._step()
        self.state = (self.state + initial_state) & M128
        self._step()

    def _step(self) -> None:
        self.state = (self.state * PCG_MULTIPLIER + self.increment) & M128

    def next(self) -> int:
        self._step()
        state = self.state
        value = ((state >> 64) ^ state) & M64
        rotation = state >> 122
        return ((value >> rotation) | (value << ((-rotation) & 63))) & M64


def frame_hash(pairs: list[tuple[str, int]]) -> str:
    """The documented frame hash, from (settlement number, amount fen) pairs in order."""
    text = "".join(f"{number}\t{amount}\n" for number, amount in pairs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def simple_random(settlement_numbers: list[str], size: int, seed: int) -> list[str]:
    """The documented keys rule: sort the frame (by number), one word per unit, smallest n."""
    frame = sorted(settlement_numbers, key=lambda n: n.encode("utf-8"))
    generator = PCG64(seed)
    keys = [generator.next() for _ in frame]
    order = sorted(range(len(frame)), key=lambda i: (keys[i], i))
    return [frame[i] for i in order[:size]]


def pps(pairs: list[tuple[str, int]], points: int, seed: int) -> list[tuple[str, int]]:
    """The documented systematic PPS rule: (settlement number, hits) in frame order."""
    generator = PCG64(seed)
    sizes = [max(amount, 0) for _number, amount in pairs]
    total = sum(sizes)
    limit = (1 << 64) - ((1 << 64) % total)
    while True:
        word = generator.next()
        if word < limit:
            start = word % total
            break
    result = []
    lower = 0
    for (number, _amount), size in zip(pairs, sizes, strict=True):
        upper = lower + size * points
        # points start + k·total (k = 0..n-1) with lower ≤ p < upper
        hits = sum(1 for k in range(points) if lower <= start + k * total < upper)
        if hits:
            result.append((number, hits))
        lower = upper
    return result
