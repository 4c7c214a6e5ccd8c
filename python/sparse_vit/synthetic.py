"""The built-in synthetic set, byte for byte as src/engine/data/synthetic.ts and synthetic-shapes.ts
draw it (only +, *, floor and sqrt, so the bytes match on any machine)."""
from __future__ import annotations

import math

import numpy as np

from .rng import Rng

CLASS_NAMES = ["circle", "ring", "square", "cross", "h-stripes", "v-stripes", "diagonal-stripes", "checkerboard", "triangle", "two-dots"]
M32 = 0xFFFFFFFF


def _len(x: float, y: float) -> float:
    return math.sqrt(x * x + y * y)


def _clamp(v: float, lo: float, hi: float) -> float:
    return lo if v < lo else hi if v > hi else v


def _uniform(rng: Rng, lo: float, hi: float) -> float:
    return lo + (hi - lo) * rng.next()


def _box(x: float, y: float, bx: float, by: float) -> float:
    qx, qy = abs(x) - bx, abs(y) - by
    return _len(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0)


def _sign(v: float) -> float:
    return 1.0 if v > 0 else -1.0 if v < 0 else v


def _triangle(x: float, y: float, r: float) -> float:
    k = math.sqrt(3)
    px, py = abs(x) - r, y + r / k
    if px + k * py > 0:
        px, py = (px - k * py) / 2, (-k * px - py) / 2
    px -= _clamp(px, -2 * r, 0)
    return -_len(px, py) * _sign(py)


def _stripe(t: float, period: float) -> float:
    f = t - math.floor(t)
    d = period * min(f, abs(0.5 - f), 1 - f)
    return -d if f < 0.5 else d


def _checker(tx: float, ty: float, period: float) -> float:
    sx, sy = _stripe(tx, period), _stripe(ty, period)
    d = min(abs(sx), abs(sy))
    return -d if (sx < 0) != (sy < 0) else d


def _direction(rng: Rng) -> tuple[float, float]:
    while True:
        x, y = 2 * rng.next() - 1, 2 * rng.next() - 1
        n = _len(x, y)
        if 0.1 < n <= 1:
            return x / n, y / n


def random_shape(label: int, rng: Rng, px: float):
    r = _uniform(rng, 0.38, 0.7)
    room = max(0.0, 0.95 - r)
    cx, cy = _uniform(rng, -room, room), _uniform(rng, -room, room)

    def stroke(f: float) -> float:
        return max(0.75 * px, f * r)

    if label == 0:
        return lambda x, y: _len(x - cx, y - cy) - r * 0.8
    if label == 1:
        w = stroke(0.14)
        return lambda x, y: abs(_len(x - cx, y - cy) - r) - w
    if label == 2:
        w, b = stroke(0.12), r * 0.85
        return lambda x, y: abs(_box(x - cx, y - cy, b, b)) - w
    if label == 3:
        w = stroke(0.2)
        return lambda x, y: min(_box(x - cx, y - cy, r, w), _box(x - cx, y - cy, w, r))
    if label == 8:
        s = 1 if rng.next() < 0.5 else -1
        return lambda x, y: _triangle(x - cx, s * (y - cy) - r * 0.2, r)
    if label == 9:
        ux, uy = _direction(rng)
        d, rd = r * _uniform(rng, 0.5, 0.8), max(1.2 * px, r * 0.32)
        return lambda x, y: min(_len(x - cx - ux * d, y - cy - uy * d), _len(x - cx + ux * d, y - cy + uy * d)) - rd
    period, phx, phy = _uniform(rng, 0.5, 0.75), rng.next(), rng.next()
    wx, wy = r * _uniform(rng, 1.1, 1.4), r * _uniform(rng, 1.1, 1.4)
    diag = 1 if rng.next() < 0.5 else -1
    if label == 4:
        tex = lambda x, y: _stripe(y / period + phy, period)  # noqa: E731
    elif label == 5:
        tex = lambda x, y: _stripe(x / period + phx, period)  # noqa: E731
    elif label == 6:
        tex = lambda x, y: _stripe((x + diag * y) / math.sqrt(2) / period + phx, period)  # noqa: E731
    else:
        tex = lambda x, y: _checker(x / period + phx, y / period + phy, period)  # noqa: E731
    return lambda x, y: max(tex(x - cx, y - cy), _box(x - cx, y - cy, wx, wy))


def _js_round(x: float) -> int:
    """Math.round: nearest, halves up (floor(x + 0.5) errs at 0.49999999999999994)."""
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def _render_image(label: int, rng: Rng, size: int, channels: int, out: bytearray, at: int) -> None:
    px = 2 / size
    sdf = random_shape(label, rng, px)
    contrast = 0.5 + 0.4 * rng.next()
    bg: list[float] = []
    fg: list[float] = []
    for c in range(channels):
        bg.append(0.35 * rng.next())
        fg.append(min(1.0, bg[c] + contrast * (1 if channels == 1 else 0.25 + 0.75 * rng.next())))
    noise = 0.02 + 0.04 * rng.next()
    gx, gy = 0.1 * (rng.next() - 0.5), 0.1 * (rng.next() - 0.5)
    s = rng.uint32() | 1
    for py in range(size):
        y = (py + 0.5) * px - 1
        for pxi in range(size):
            x = (pxi + 0.5) * px - 1
            d = sdf(x, y)
            cover = 1 if d <= -px / 2 else 0 if d >= px / 2 else 0.5 - d / px
            light = gx * x + gy * y
            o = at + (py * size + pxi) * channels
            for c in range(channels):
                # xorshift32 on int32 in JS: the shifts act on the 32-bit pattern.
                s ^= (s << 13) & M32
                s ^= s >> 17
                s ^= (s << 5) & M32
                v = bg[c] + (fg[c] - bg[c]) * cover + light + noise * (((s & 0xFFFF) + ((s >> 16) & 0xFFFF)) / 65536 - 1)
                out[o + c] = 0 if v <= 0 else 255 if v >= 1 else _js_round(v * 255)


def _render_set(rng: Rng, count: int, size: int, channels: int) -> tuple[np.ndarray, np.ndarray]:
    labels = [i % len(CLASS_NAMES) for i in range(count)]
    rng.shuffle(labels)
    n = size * size * channels
    images = bytearray(count * n)
    for i in range(count):
        _render_image(labels[i], rng, size, channels, images, i * n)
    return np.frombuffer(bytes(images), dtype=np.uint8).reshape(count, size, size, channels), np.array(labels, dtype=np.int64)


def synthetic_arrays(image_size: int, channels: int, seed: int, train_count: int = 6000, test_count: int = 1000):
    """(train_images, train_labels, test_images, test_labels), images NHWC uint8."""
    if image_size < 8:
        raise ValueError(f"synthetic images need imageSize ≥ 8 (got {image_size})")
    root = Rng(seed)
    train_rng, test_rng = root.fork(1), root.fork(2)
    return (*_render_set(train_rng, train_count, image_size, channels), *_render_set(test_rng, test_count, image_size, channels))
