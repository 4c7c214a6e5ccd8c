"""Each decision of the methods as one small function, with the TypeScript rule it mirrors.
Porting a changed rule from the engine means changing the one function here that names it.

Where the TypeScript rules live:
  schedule        src/engine/sparse/schedule.ts      update_fraction, is_update_step, swap_count
                  src/engine/facts/index.ts          topology_schedule (S²ViTE's α is unitFraction)
  ERK / uniform   src/engine/sparse/erk.ts           layer_densities, active_counts
  initial masks   src/engine/sparse/masks.ts         random_mask
  SViTE swap      src/engine/sparse/prune-grow.ts    svite_prune_key, svite_grow_key, prune_and_grow
  moments         src/engine/sparse/unstructured.ts  svite_moment_keep
  S²ViTE swap     src/engine/sparse/swap.ts          select_swap (with the protected units immune)
  S²ViTE scores   src/engine/sparse/structured.ts    head_scores, neuron_prune_score, neuron_grow_score,
                                                     unit_grow_score (unitGrowth)
  S²ViTE update   src/engine/sparse/structured.ts    is_protected (unitProtect), fresh_units (a no-op
                  (update's swap, zeroDeadUnits)     swap keeps its unit), draws_fresh_init (unitInit)
  regrown units   src/engine/sparse/units.ts         UNIT_PARAMS (read from link_spec.json), fresh_init_columns
Every option's default is the spec's (link_spec.json presets), read with the config: none is written here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .link import SPEC
from .model import js_round
from .rng import Rng

ENGINE = SPEC["engine"]


# --- schedule (schedule.ts) -------------------------------------------------------------------
def update_fraction(c: dict, step: int) -> float:
    """dr(t) = 0.005 + (α − 0.005)·(1 + cos(π·t/T))/2."""
    return 0.005 + (c["updateFraction"] - 0.005) * (1 + math.cos(math.pi * step / c["steps"])) / 2


def is_update_step(c: dict, step: int) -> bool:
    """After step t (1-based) when t mod ΔT = 0 and t < t_end·T; never for dense."""
    return c["method"] != "dense" and step > 0 and step % c["updateInterval"] == 0 and step < c["updateEnd"] * c["steps"]


def topology_schedule(c: dict) -> dict:
    """facts/index.ts topologySchedule: S²ViTE's α for units is unitFraction (SViTE's is updateFraction)."""
    return {**c, "updateFraction": c["unitFraction"]} if c["method"] == "s2vite" else c


def swap_count(dr: float, n: int, rounding: str, cap: int) -> int:
    """schedule.ts swapCount: ceil(dr·n) (or JS Math.round / floor), at most `cap` (0 = no cap),
    never more than n. S²ViTE passes unitRounding and unitCap; SViTE's count is always ceil and
    uncapped (unstructured.ts calls swapCount(dr, n))."""
    x = dr * n
    k = math.ceil(x) if rounding == "ceil" else math.floor(x) if rounding == "floor" else js_round(x)
    return min(n, min(cap, k) if cap > 0 else k)


# --- SViTE budget (erk.ts, masks.ts) ---------------------------------------------------------
def layer_densities(specs: list[tuple[str, list[int]]], density: float, distribution: str) -> dict[str, float]:
    """specs: (name, PyTorch shape). ERK: density ∝ Σn/Πn on the PyTorch shape, layers over 1 made
    dense one score at a time and ε re-solved."""
    if distribution == "uniform":
        return {n: density for n, _ in specs}
    sizes = [math.prod(s) for _, s in specs]
    scores = [sum(s) / math.prod(s) for _, s in specs]
    total = sum(sizes)
    dense: set[int] = set()
    eps = 0.0
    while True:
        dense_count = sum(sizes[i] for i in dense)
        divisor = sum(scores[i] * sizes[i] for i in range(len(specs)) if i not in dense)
        if divisor == 0:
            break
        eps = (density * total - dense_count) / divisor
        max_score = max(scores[i] for i in range(len(specs)) if i not in dense)
        if eps * max_score <= 1:
            break
        dense |= {i for i in range(len(specs)) if i not in dense and scores[i] == max_score}
    return {n: 1.0 if i in dense else eps * scores[i] for i, (n, _) in enumerate(specs)}


def active_counts(specs: list[tuple[str, list[int]]], densities: dict[str, float]) -> dict[str, int]:
    return {n: js_round(densities.get(n, 1) * math.prod(s)) for n, s in specs}


def random_mask(size: int, active: int, rng: Rng) -> torch.Tensor:
    """Exactly `active` ones (engine layout, flat): a partial Fisher-Yates."""
    mask = torch.zeros(size)
    if active >= size:
        return mask.fill_(1)
    perm = list(range(size))
    for i in range(active):
        j = i + rng.int(size - i)
        perm[i], perm[j] = perm[j], perm[i]
        mask[perm[i]] = 1
    return mask


# --- SViTE swap (prune-grow.ts) ----------------------------------------------------------------
def _top(key: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of the k largest keys, ties to the lower index (the engine's top-k)."""
    return torch.sort(key, descending=True, stable=True).indices[:k]


def svite_prune_key(mask: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Prune the smallest |W| among active entries; inactive ones are never picked."""
    return torch.where(mask > 0, -weight.abs(), torch.full_like(weight, -3e38))


def svite_grow_score(c: dict, grad: torch.Tensor, rng: Rng) -> torch.Tensor:
    """RigL: |dense gradient|; SET: a seeded uniform per entry (float32, engine layout order)."""
    if c["growth"] == "gradient":
        return grad
    return torch.tensor([rng.next() for _ in range(grad.numel())], dtype=torch.float32)


def svite_grow_key(after_prune: torch.Tensor, score: torch.Tensor) -> torch.Tensor:
    """Grow the largest scores among entries inactive after pruning (just-pruned included)."""
    return torch.where(after_prune > 0, torch.full_like(score, -1.0), score.abs())


def prune_and_grow(mask: torch.Tensor, weight: torch.Tensor, score: torch.Tensor, k: int) -> torch.Tensor:
    """All flat, engine layout. Returns the new 0/1 mask."""
    if k <= 0:
        return mask.clone()
    after = mask.clone()
    after[_top(svite_prune_key(mask, weight), k)] = 0
    new = after.clone()
    new[_top(svite_grow_key(after, score), k)] = 1
    return new


def svite_moment_keep(c: dict, old: torch.Tensor, new: torch.Tensor) -> torch.Tensor | None:
    """Entries alive before and after keep their moments; the rest restart. 'keep' resets none."""
    return None if c["sparseMoments"] == "keep" else old * new


# --- S²ViTE (swap.ts, structured.ts, units.ts) -------------------------------------------------
def select_swap(alive: list[int], prune_score: list[float], grow_score: list[float], k: int, regrow_pruned: bool,
                immune=lambda i: False) -> tuple[list[int], list[int], int]:
    """Prune the k live units of smallest prune score, grow k dead ones of largest grow score;
    without regrowPruned the just-pruned come last. Ties to the lower index. Units `immune` (grown
    too recently to be judged) are not pruned: with too few others, fewer units swap. Mutates `alive`."""
    live = [i for i, v in enumerate(alive) if v and not immune(i)]
    kk = min(k, len(live))
    pruned = sorted(live, key=lambda i: (prune_score[i], i))[:kk]
    for i in pruned:
        alive[i] = 0
    just = set() if regrow_pruned else set(pruned)
    dead = [i for i, v in enumerate(alive) if not v]
    grown = sorted(dead, key=lambda i: (1 if i in just else 0, -grow_score[i], i))[:kk]
    for i in grown:
        alive[i] = 1
    return sorted(pruned), sorted(grown), sum(1 for i in grown if i in pruned)


def unit_grow_score(c: dict, gradient_score: list[float], n: int, rng: Rng) -> list[float]:
    """structured.ts update's swap: unitGrowth 'random' ranks dead units by a seeded uniform per unit
    (n draws, float32, drawn even when nothing swaps); 'gradient' by the gradient at their output."""
    if c["unitGrowth"] == "random":
        return torch.tensor([rng.next() for _ in range(n)], dtype=torch.float32).tolist()
    return gradient_score


# grownAt of a unit live from the start (structured.ts NEVER): protected by no update.
NEVER = -1_000_000


def is_protected(c: dict, update: int, grown_at: int) -> bool:
    """structured.ts update: a unit grown at update grown_at (1-based) is safe from pruning for
    unitProtect updates: immune while update − grown_at ≤ unitProtect."""
    return update - grown_at <= c["unitProtect"]


def fresh_units(pruned: list[int], grown: list[int]) -> list[int]:
    """structured.ts update: a unit pruned and regrown by the same update never left, so it keeps its
    weights, AdamW moments and age; only the others start afresh."""
    return [i for i in grown if i not in pruned]


def draws_fresh_init(c: dict) -> bool:
    """structured.ts zeroDeadUnits: unitInit 'fresh' draws trunc-normal(0.02) for a grown unit's
    qkv/fc1 columns; 'zero' leaves them at 0 and draws nothing (the stream does not advance)."""
    return c["unitInit"] == "fresh"


def head_scores(gate_grad_abs_sum: torch.Tensor, probe_grad_abs_sum: torch.Tensor, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Taylor prune score S_h = mean_b |∂L/∂gate_h| and grow score G_h = mean_b Σ|∂L/∂a_h|, from
    the batch sums of the global-loss gradients (all-reduced over ranks)."""
    return gate_grad_abs_sum / batch, probe_grad_abs_sum / batch


def neuron_prune_score(fc1_w: torch.Tensor, fc2_w: torch.Tensor) -> torch.Tensor:
    """L1 of a neuron's weights: its fc1 row and fc2 column (PyTorch layout)."""
    return fc1_w.abs().sum(1) + fc2_w.abs().sum(0)


def neuron_taylor_score(fc2_w: torch.Tensor, fc2_g: torch.Tensor) -> torch.Tensor:
    """neuronPrune 'taylor': |Σ w·∂L/∂w| over a neuron's fc2 column (PyTorch layout), the first-order
    loss change of removing the neuron (structured.ts neuronTaylor)."""
    return (fc2_w * fc2_g).sum(0).abs()


def neuron_grow_score(fc1_g: torch.Tensor, fc2_g: torch.Tensor) -> torch.Tensor:
    """L1 of a neuron's dense gradients."""
    return fc1_g.abs().sum(1) + fc2_g.abs().sum(0)


@dataclass(frozen=True)
class UnitParam:
    """One row of src/engine/sparse/units.ts UNIT_PARAMS (read from link_spec.json); `dim` is the
    PyTorch axis the unit's entries lie along (the engine's Linear weights are [in, out])."""
    layer: str  # timm path inside a block
    kind: str  # weight | bias
    unit: str  # head | neuron
    dim: int
    zero_when_dead: bool  # zeroed while dead, so the unit's output is exactly 0
    fresh_on_grow: bool  # fresh trunc-normal init when regrown (zero q, k would sit on a saddle)


def _unit_param(u: dict) -> UnitParam:
    dim = (1 if u["axis"] == 0 else 0) if u["kind"] == "weight" else 0  # units.ts timmAxis
    return UnitParam(ENGINE["blockLayerPaths"][u["layer"]], u["kind"], u["unit"], dim, u["zeroWhenDead"], u["freshOnGrow"])


UNIT_PARAMS = [_unit_param(u) for u in ENGINE["unitParams"]]


def unit_indices(p: UnitParam, units: list[int], c: dict) -> list[int]:
    """Entries along p.dim owned by the units: qkv is q | k | v × head × head_dim."""
    if p.unit == "neuron":
        return list(units)
    hd = c["embedDim"] // c["numHeads"]
    parts = 3 if p.layer == "attn.qkv" else 1
    return [part * c["embedDim"] + h * hd + d for part in range(parts) for h in units for d in range(hd)]


def fresh_init_columns(fresh: dict[str, list[int]], c: dict, rng: Rng, axis_len: dict[str, int]) -> dict[str, torch.Tensor]:
    """What a regrown unit starts from: trunc-normal(0.02) on its fresh_on_grow weights, drawn row
    by row over the D inputs, across those weights in table order (structured.ts zeroDeadUnits).
    Returns PyTorch-layout [out, D] tensors, zero outside the fresh units (all zero for unitInit 'zero')."""
    D = c["embedDim"]
    params = [p for p in UNIT_PARAMS if p.fresh_on_grow]
    cols = {p.layer: set(unit_indices(p, fresh[p.unit], c)) for p in params}
    out = {p.layer: torch.zeros(axis_len[p.layer], D) for p in params}
    if not draws_fresh_init(c):
        return out
    for r in range(D):
        for p in params:
            for col in sorted(cols[p.layer]):
                out[p.layer][col, r] = rng.trunc_normal(0.02)
    return out
