"""src/engine/rng.ts, bit for bit: sfc32 seeded through splitmix32. The same seed gives the same
initial weights, data order, synthetic images, masks and growth as the TypeScript engine."""
from __future__ import annotations

import math

M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & M32


class Rng:
    def __init__(self, seed: int) -> None:
        s = seed & M32

        def nxt() -> int:
            nonlocal s
            s = (s + 0x9E3779B9) & M32
            z = s
            z = _imul(z ^ (z >> 16), 0x85EBCA6B)
            z = _imul(z ^ (z >> 13), 0xC2B2AE35)
            return (z ^ (z >> 16)) & M32

        self.a, self.b, self.c, self.d = nxt(), nxt(), nxt(), nxt()
        self.spare_normal: float | None = None
        for _ in range(12):
            self.uint32()

    def state(self) -> dict:
        return {"words": [self.a, self.b, self.c, self.d], "spareNormal": self.spare_normal}

    def set_state(self, s: dict) -> None:
        self.a, self.b, self.c, self.d = (int(w) & M32 for w in s["words"])
        self.spare_normal = s["spareNormal"]

    def fork(self, salt: int) -> "Rng":
        return Rng((self.uint32() ^ _imul(salt + 1, 0x27D4EB2D)) & M32)

    def uint32(self) -> int:
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & M32
        self.d = (d + 1) & M32
        self.a = b ^ (b >> 9)
        self.b = (c + (c << 3)) & M32
        c = ((c << 21) | (c >> 11)) & M32
        self.c = (c + t) & M32
        return t

    def next(self) -> float:
        return self.uint32() / 4294967296

    def int(self, n: int) -> int:
        return math.floor(self.next() * n)

    def normal(self) -> float:
        if self.spare_normal is not None:
            v, self.spare_normal = self.spare_normal, None
            return v
        u = 0.0
        while u == 0:
            u = self.next()
        v = self.next()
        r = math.sqrt(-2 * math.log(u))
        self.spare_normal = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def trunc_normal(self, std: float, lo: float = -2, hi: float = 2) -> float:
        while True:
            x = self.normal() * std
            if lo <= x <= hi:
                return x

    def gumbel(self) -> float:
        u = 0.0
        while u == 0:
            u = self.next()
        return -math.log(-math.log(u))

    def shuffle(self, arr: list) -> list:
        for i in range(len(arr) - 1, 0, -1):
            j = self.int(i + 1)
            arr[i], arr[j] = arr[j], arr[i]
        return arr

    def permutation(self, n: int) -> list[int]:
        return self.shuffle(list(range(n)))

    def sample(self, n: int, k: int) -> list[int]:
        return sorted(self.permutation(n)[:k])
