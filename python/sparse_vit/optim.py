"""src/engine/optim/adamw.ts and lr-schedule.ts: AdamW with decoupled decay on weights only, the
engine's global-norm clip, and (sparseMoments 'restart') a per-entry bias-correction age."""
from __future__ import annotations

import math

import torch

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def learning_rate(c: dict, t: int) -> float:
    """Linear warmup to the peak, then cosine to minLr at the last step (0-based step t)."""
    if c["warmupSteps"] > 0 and t < c["warmupSteps"]:
        return c["lr"] * (t + 1) / c["warmupSteps"]
    span = max(1, c["steps"] - c["warmupSteps"])
    progress = min(1, (t - c["warmupSteps"]) / span)
    return c["minLr"] + 0.5 * (c["lr"] - c["minLr"]) * (1 + math.cos(math.pi * progress))


class AdamW:
    def __init__(self, named: list[tuple[str, torch.nn.Parameter]], decayed: set[str], restart_bias_correction: bool = False,
                 lr_scale: dict[str, float] | None = None) -> None:
        self.params = named
        self.decayed = decayed
        self.lr_scale = lr_scale or {}  # adamw.ts Bucket.lrScale: SViTE+'s selector (tokenLr)
        self.restart = restart_bias_correction
        self.t = 0
        self.m = {n: torch.zeros_like(p) for n, p in named}
        self.v = {n: torch.zeros_like(p) for n, p in named}
        self.age: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def step(self, lr: float, weight_decay: float, clip_norm: float, decay_masks: dict[str, torch.Tensor] | None = None) -> None:
        """decay_masks: entries that are not parameters this step (S²ViTE's dead units) take no decay."""
        self.t += 1
        bc1, bc2 = 1 - BETA1 ** self.t, 1 - BETA2 ** self.t
        scale = 1.0
        if clip_norm > 0:
            norm = torch.sqrt(sum(torch.sum(p.grad * p.grad) for _, p in self.params))
            scale = clip_norm / torch.clamp(norm, min=clip_norm)
        base_lr = lr
        for n, p in self.params:
            lr = base_lr * self.lr_scale.get(n, 1.0)
            g = p.grad * scale
            m, v = self.m[n], self.v[n]
            m.mul_(BETA1).add_(g, alpha=1 - BETA1)
            v.mul_(BETA2).add_(g * g, alpha=1 - BETA2)
            if n in self.age:
                age = self.age[n].add_(1)
                c1, c2 = 1 - torch.exp(age * math.log(BETA1)), 1 - torch.exp(age * math.log(BETA2))
                direction = (m / c1) / (torch.sqrt(v / c2) + EPS)
            else:
                direction = (m * (1 / bc1)) / (torch.sqrt(v * (1 / bc2)) + EPS)
            if n in self.decayed and weight_decay > 0:
                if decay_masks and n in decay_masks:
                    p.mul_(1 - lr * weight_decay * decay_masks[n])
                else:
                    p.mul_(1 - lr * weight_decay)
            p.sub_(direction * lr)

    @torch.no_grad()
    def mask_moments(self, keep: dict[str, torch.Tensor]) -> None:
        """Reset the moments of entries that (re)appear or vanish: m, v (and age) ← · keep."""
        for n, k in keep.items():
            if self.restart and n not in self.age:
                self.age[n] = torch.full_like(self.m[n], float(self.t))
            self.m[n].mul_(k)
            self.v[n].mul_(k)
            if n in self.age:
                self.age[n].mul_(k)

    def state_dict(self) -> dict:
        return {"t": self.t, "m": self.m, "v": self.v, "age": self.age}

    def load_state_dict(self, s: dict) -> None:
        self.t = s["t"]
        for n in self.m:
            self.m[n].copy_(s["m"][n])
            self.v[n].copy_(s["v"][n])
        self.age = {n: a.clone() for n, a in s["age"].items()}
