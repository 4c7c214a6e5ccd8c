"""The three sparsity methods on a full-width PyTorch model. Every topology decision is taken from
signals that are identical on every rank (DDP-averaged gradients, all-reduced probe sums, the same
seeded streams), so every rank makes the same choice without a broadcast; the rules themselves
are rules.py's."""
from __future__ import annotations

import math

import torch
import torch.distributed as dist

from . import rules
from .model import VisionTransformer, engine_order, js_round, from_ours, head_dim, kept_tokens, learned_selector, mlp_hidden, ours_shape, to_ours
from .rng import Rng


def all_reduce_sum(t: torch.Tensor) -> torch.Tensor:
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return t


class Dense:
    name = "dense"

    def __init__(self, model: VisionTransformer, c: dict) -> None:
        self.model, self.c = model, c

    def is_update_step(self, step: int) -> bool:
        return False

    def prepare(self, plan, update: bool, local_batch: int) -> None:
        pass

    def mask_gradients(self) -> None:
        pass

    def decay_masks(self, update: bool) -> dict[str, torch.Tensor]:
        return {}

    def after_optimizer(self) -> None:
        pass

    def summary(self) -> dict:
        return {"density": {}, "globalDensity": 1, "firedDensity": {}, "globalFiredDensity": 1}

    def state(self) -> dict:
        return {}

    def load(self, s: dict) -> None:
        pass

    def export(self) -> dict:
        return {}


class SViTE(Dense):
    """Unstructured dynamic sparsity, exact per-layer budget (unstructured.ts)."""
    name = "svite"

    def __init__(self, model: VisionTransformer, c: dict, rng: Rng) -> None:
        super().__init__(model, c)
        self.rng = rng
        # Sparse weights: every Linear/conv weight except the selector's, in the engine's order.
        self.layers = [(n, p) for n, p in engine_order(model) if n.endswith(".weight") and p.dim() >= 2 and not n.startswith("token_selector")]
        shapes = [(n, list(p.shape)) for n, p in self.layers]
        counts = rules.active_counts([(n, ours_shape(n, p)) for n, p in self.layers], rules.layer_densities(shapes, c["density"], c["distribution"]))
        self.masks: dict[str, torch.Tensor] = {}
        self.fired: dict[str, torch.Tensor] = {}
        self.active: dict[str, int] = {}
        for n, p in self.layers:
            ours = ours_shape(n, p)
            flat = rules.random_mask(math.prod(ours), counts[n], rng)
            self.masks[n] = from_ours(n, flat.reshape(ours), p.shape).to(p.device)
            self.fired[n] = self.masks[n].clone()
            self.active[n] = counts[n]
        self.apply_masks()
        self.saved_grads: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def apply_masks(self) -> None:
        for n, p in self.layers:
            p.mul_(self.masks[n])

    def is_update_step(self, step: int) -> bool:
        return rules.is_update_step(self.c, step)

    def prepare(self, plan, update: bool, local_batch: int) -> None:
        self.update_due = update

    @torch.no_grad()
    def mask_gradients(self) -> None:
        if self.update_due and self.c["growth"] == "gradient":
            self.saved_grads = {n: p.grad.clone() for n, p in self.layers}  # the dense gradient, for growth
        if self.c["sparseMoments"] == "keep":
            return  # the reference: the optimizer sees dense gradients
        for n, p in self.layers:
            p.grad.mul_(self.masks[n])

    def after_optimizer(self) -> None:
        if self.c["sparseMoments"] == "keep":
            self.apply_masks()  # W ← W ⊙ M after the dense step

    @torch.no_grad()
    def update(self, step: int, opt, world: int, global_batch: int) -> list[dict]:
        dr = rules.update_fraction(self.c, step)
        events, keeps = [], {}
        for n, p in self.layers:
            k = rules.swap_count(dr, self.active[n], "ceil", 0)  # SViTE: no unit options
            grad = self.saved_grads.get(n)
            score = rules.svite_grow_score(self.c, to_ours(n, grad).reshape(-1) if grad is not None else p.new_empty(p.numel()), self.rng)
            old = to_ours(n, self.masks[n]).reshape(-1).cpu()
            new = rules.prune_and_grow(old, to_ours(n, p.data).reshape(-1).cpu(), score.cpu(), k)
            new_t = from_ours(n, new.reshape(ours_shape(n, p)), p.shape).to(p.device)
            keep = rules.svite_moment_keep(self.c, self.masks[n], new_t)
            if keep is not None:
                keeps[n] = keep
            self.masks[n] = new_t
            self.fired[n] = torch.maximum(self.fired[n], new_t)
            p.mul_(new_t)
            events.append({"step": step, "layer": n, "pruned": k, "grown": k, "globalDensity": self.global_density(), "fraction": dr})
        if keeps:
            opt.mask_moments(keeps)
        self.saved_grads = {}
        return events

    def global_density(self) -> float:
        return sum(self.active.values()) / sum(p.numel() for _, p in self.layers)

    def summary(self) -> dict:
        total = sum(p.numel() for _, p in self.layers)
        fired = {n: float(self.fired[n].sum()) / p.numel() for n, p in self.layers}
        return {"density": {n: self.active[n] / p.numel() for n, p in self.layers}, "globalDensity": self.global_density(),
                "firedDensity": fired, "globalFiredDensity": sum(float(self.fired[n].sum()) for n, _ in self.layers) / total}

    def state(self) -> dict:
        return {"masks": self.masks, "fired": self.fired, "rng": self.rng.state()}

    def load(self, s: dict) -> None:
        self.masks = {n: m.clone() for n, m in s["masks"].items()}
        self.fired = {n: m.clone() for n, m in s["fired"].items()}
        self.active = {n: int(m.sum()) for n, m in self.masks.items()}
        self.rng.set_state(s["rng"])

    def export(self) -> dict:
        return {"masks": self.masks}


class S2ViTE(Dense):
    """Whole heads and MLP neurons, a fixed budget per block (structured.ts). The model stays full
    width: a dead unit owns zeros (its q/k/v columns and biases, its fc1 row and bias), gets no
    gradient and no weight decay between updates, which is exactly the engine's compact model."""
    name = "s2vite"

    def __init__(self, model: VisionTransformer, c: dict, rng: Rng) -> None:
        super().__init__(model, c)
        self.rng = rng
        self.H, self.hidden, self.depth = c["numHeads"], mlp_hidden(c), c["depth"]
        h = max(1, js_round(c["attnDensity"] * self.H))
        n = max(1, js_round(c["mlpDensity"] * self.hidden))
        self.heads = [[0] * self.H for _ in range(self.depth)]
        self.neurons = [[0] * self.hidden for _ in range(self.depth)]
        for b in range(self.depth):
            for i in rng.sample(self.H, h):
                self.heads[b][i] = 1
            for j in rng.sample(self.hidden, n):
                self.neurons[b][j] = 1
        self.heads_fired = [list(x) for x in self.heads]
        self.neurons_fired = [list(x) for x in self.neurons]
        self.head_scores = [[math.nan] * self.H for _ in range(self.depth)]
        # The update (1-based) that last grew each unit, rules.NEVER for units live from the start.
        self.heads_grown_at = [[rules.NEVER] * self.H for _ in range(self.depth)]
        self.neurons_grown_at = [[rules.NEVER] * self.hidden for _ in range(self.depth)]
        self.updates_done = 0
        self.axis_len = {"attn.qkv": 3 * c["embedDim"], "mlp.fc1": self.hidden}
        for b in range(self.depth):
            self.zero_dead_units(b, None, None)
        self.plan = None
        # The live units before any update: with the events' ids they replay into the final ones
        # (summary's heads/neurons {start, end}, as cli train --json writes them).
        self.start = self.export()

    def param(self, b: int, p: rules.UnitParam) -> torch.nn.Parameter:
        return dict(self.model.named_parameters())[f"blocks.{b}.{p.layer}.{p.kind}"]

    def live(self, unit: str, b: int) -> list[int]:
        return [i for i, v in enumerate((self.heads if unit == "head" else self.neurons)[b]) if v]

    def indicator(self, p: rules.UnitParam, b: int, units: list[int], like: torch.Tensor) -> torch.Tensor:
        """0/1 over the parameter, 1 at the entries the units own, broadcast along its other axis."""
        v = torch.zeros(like.shape[p.dim], device=like.device)
        v[rules.unit_indices(p, units, self.c)] = 1
        return v if like.dim() == 1 else (v[:, None] if p.dim == 0 else v[None, :]).expand_as(like)

    @torch.no_grad()
    def zero_dead_units(self, b: int, grown: dict[str, list[int]] | None, keeps: dict | None) -> None:
        fresh = grown or {"head": [], "neuron": []}
        inits = rules.fresh_init_columns(fresh, self.c, self.rng, self.axis_len)
        for p in rules.UNIT_PARAMS:
            w = self.param(b, p)
            keep = self.indicator(p, b, self.live(p.unit, b), w).clone()
            keep[tuple(slice(None) if d != p.dim else rules.unit_indices(p, fresh[p.unit], self.c) for d in range(w.dim()))] = 0
            if p.zero_when_dead:
                w.mul_(keep)
                if p.fresh_on_grow:
                    w.add_(inits[p.layer].to(w.device))
            if keeps is not None:
                keeps[f"blocks.{b}.{p.layer}.{p.kind}"] = keep

    def is_update_step(self, step: int) -> bool:
        return rules.is_update_step(self.c, step)

    def prepare(self, plan, update: bool, local_batch: int) -> None:
        """At an update step: a per-sample gate [B, H] and a zero probe [B, T, H, hd] per block."""
        self.update_due = update
        if not update:
            return
        T = kept_tokens(self.c) + 1
        dev = next(self.model.parameters()).device
        plan.gates = [torch.ones(local_batch, self.H, device=dev, requires_grad=True) for _ in range(self.depth)]
        plan.probes = [torch.zeros(local_batch, T, self.H, head_dim(self.c), device=dev, requires_grad=True) for _ in range(self.depth)]
        self.plan = plan

    @torch.no_grad()
    def mask_gradients(self) -> None:
        if self.update_due:
            self.saved_grads = {f"blocks.{b}.mlp.{l}.weight": self.model.get_parameter(f"blocks.{b}.mlp.{l}.weight").grad.clone()
                                for b in range(self.depth) for l in ("fc1", "fc2")}
        for b in range(self.depth):
            for p in rules.UNIT_PARAMS:
                w = self.param(b, p)
                w.grad.mul_(self.indicator(p, b, self.live(p.unit, b), w))

    def decay_masks(self, update: bool) -> dict[str, torch.Tensor]:
        """Between updates a dead unit's entries are not parameters at all in the engine (compact
        layout), so no decay; at an update step the engine runs full width and decays them too."""
        if update:
            return {}
        return {f"blocks.{b}.{p.layer}.{p.kind}": self.indicator(p, b, self.live(p.unit, b), self.param(b, p))
                for b in range(self.depth) for p in rules.UNIT_PARAMS if p.kind == "weight"}

    @torch.no_grad()
    def update(self, step: int, opt, world: int, global_batch: int) -> list[dict]:
        # Probe gradients are per rank and of the rank's loss: sum |·| over the local batch, sum
        # over ranks, divide by the world (the global loss is the mean of the ranks') and the batch.
        gate = torch.stack([g.grad.abs().sum(0) for g in self.plan.gates])  # [depth, H]
        probe = torch.stack([p.grad.abs().sum((1, 3)).sum(0) for p in self.plan.probes])  # [depth, H]
        sums = all_reduce_sum(torch.cat([gate, probe], 1)) / world
        taylor, grow = rules.head_scores(sums[:, :self.H], sums[:, self.H:], global_batch)
        self.plan = None
        c = self.c
        dr = rules.update_fraction(rules.topology_schedule(c), step)
        events, keeps = [], {}
        self.updates_done += 1
        u = self.updates_done

        def swap(alive: list[int], grown_at: list[int], prune: list[float], grow_by_gradient: list[float], layer: str) -> list[int]:
            """structured.ts update's swap for one kind of one block: the event, and the units to init."""
            k = rules.swap_count(dr, sum(alive), c["unitRounding"], c["unitCap"])
            grow_score = rules.unit_grow_score(c, grow_by_gradient, len(alive), self.rng)
            pruned, grown, regrown = rules.select_swap(alive, prune, grow_score, k, c["regrowPruned"], lambda i: rules.is_protected(c, u, grown_at[i]))
            fresh = rules.fresh_units(pruned, grown)
            for i in fresh:
                grown_at[i] = u
            events.append({"step": step, "layer": layer, "pruned": len(pruned), "grown": len(grown), "regrown": regrown,
                           "prunedIds": pruned, "grownIds": grown, "fraction": dr})
            return fresh

        for b in range(self.depth):
            fc1, fc2 = self.model.get_parameter(f"blocks.{b}.mlp.fc1.weight"), self.model.get_parameter(f"blocks.{b}.mlp.fc2.weight")
            n_prune = (rules.neuron_taylor_score(fc2, self.saved_grads[f"blocks.{b}.mlp.fc2.weight"]) if c["neuronPrune"] == "taylor"
                       else rules.neuron_prune_score(fc1, fc2)).float().cpu().tolist()
            n_grow = rules.neuron_grow_score(self.saved_grads[f"blocks.{b}.mlp.fc1.weight"], self.saved_grads[f"blocks.{b}.mlp.fc2.weight"]).float().cpu().tolist()
            t_row, g_row = taylor[b].float().cpu().tolist(), grow[b].float().cpu().tolist()
            self.head_scores[b] = t_row
            hf = swap(self.heads[b], self.heads_grown_at[b], t_row, g_row, f"blocks.{b}.attn.heads")
            nf = swap(self.neurons[b], self.neurons_grown_at[b], n_prune, n_grow, f"blocks.{b}.mlp.neurons")
            # Survivors and no-op swaps keep weights and moments; fresh units restart (structured.ts).
            self.zero_dead_units(b, {"head": hf, "neuron": nf}, keeps)
        opt.mask_moments(keeps)
        for b in range(self.depth):
            self.heads_fired[b] = [max(a, x) for a, x in zip(self.heads_fired[b], self.heads[b])]
            self.neurons_fired[b] = [max(a, x) for a, x in zip(self.neurons_fired[b], self.neurons[b])]
        g = self.global_density()
        for e in events:
            e["globalDensity"] = g
        self.saved_grads = {}
        return events

    def _density(self, heads: list[int], neurons: list[int]) -> tuple[dict, float]:
        """units.ts unitLayerDensity / unitGlobalDensity: each unit weight's live fraction, and the
        live share of all unit-weight entries."""
        D = self.c["embedDim"]
        out, live, total = {}, 0, 0
        for b in range(self.depth):
            for p in (p for p in rules.UNIT_PARAMS if p.kind == "weight"):
                alive, count = (heads[b], self.H) if p.unit == "head" else (neurons[b], self.hidden)
                per_unit = len(rules.unit_indices(p, [0], self.c)) * D
                out[f"blocks.{b}.{p.layer}.weight"] = alive / count
                live += per_unit * alive
                total += per_unit * count
        return out, live / total

    def global_density(self) -> float:
        return self._density([sum(h) for h in self.heads], [sum(n) for n in self.neurons])[1]

    def summary(self) -> dict:
        d, g = self._density([sum(h) for h in self.heads], [sum(n) for n in self.neurons])
        fd, fg = self._density([sum(h) for h in self.heads_fired], [sum(n) for n in self.neurons_fired])
        end = self.export()
        return {"density": d, "globalDensity": g, "firedDensity": fd, "globalFiredDensity": fg,
                "headsPerBlock": [sum(h) for h in self.heads], "neuronsPerBlock": [sum(n) for n in self.neurons],
                "heads": {"start": self.start["heads"], "end": end["heads"]}, "neurons": {"start": self.start["neurons"], "end": end["neurons"]}}

    def state(self) -> dict:
        return {"heads": self.heads, "neurons": self.neurons, "headsFired": self.heads_fired, "neuronsFired": self.neurons_fired,
                "headScores": self.head_scores, "headsGrownAt": self.heads_grown_at, "neuronsGrownAt": self.neurons_grown_at,
                "updatesDone": self.updates_done, "start": self.start, "rng": self.rng.state()}

    def load(self, s: dict) -> None:
        self.heads, self.neurons = s["heads"], s["neurons"]
        self.heads_fired, self.neurons_fired, self.head_scores = s["headsFired"], s["neuronsFired"], s["headScores"]
        # Checkpoints written before unit protection carry no ages: no unit is protected (structured.ts load).
        self.heads_grown_at = s.get("headsGrownAt", [[rules.NEVER] * self.H for _ in range(self.depth)])
        self.neurons_grown_at = s.get("neuronsGrownAt", [[rules.NEVER] * self.hidden for _ in range(self.depth)])
        self.updates_done = s.get("updatesDone", 0)
        self.start = s.get("start", self.start)
        self.rng.set_state(s["rng"])

    def export(self) -> dict:
        return {"heads": [self.live("head", b) for b in range(self.depth)], "neurons": [self.live("neuron", b) for b in range(self.depth)]}


class TokenNoise:
    """SViTE+ (model/token-selector.ts TokenSelector): seeded Gumbel noise for the global batch,
    scaled by tokenNoise, and τ linear from tokenTauStart to tokenTauEnd. The fixed-centre baseline
    (tokenSelector 'centre') learns nothing and draws no noise."""

    def __init__(self, c: dict, rng: Rng) -> None:
        self.c, self.rng, self.n = c, rng, (c["imageSize"] // c["patchSize"]) ** 2
        self.learned = learned_selector(c)

    def temperature(self, t: int) -> float:
        """token-selector.ts temperature: 0-based step t."""
        T, a, b = max(1, self.c["steps"] - 1), self.c["tokenTauStart"], self.c["tokenTauEnd"]
        return a + (b - a) * min(1, t / T)

    def noise(self, global_batch: int) -> torch.Tensor | None:
        """token-selector.ts trainPlan: tokenNoise · Gumbel per patch (float32); None for the fixed crop."""
        if not self.learned:
            return None
        scale = self.c["tokenNoise"]
        return torch.tensor([scale * self.rng.gumbel() for _ in range(global_batch * self.n)], dtype=torch.float32).reshape(global_batch, self.n)


def make_method(model: VisionTransformer, c: dict, rng: Rng):
    """The trainer's fork order: data fork(2) first, then SViTE fork(3) / S²ViTE fork(4)."""
    if c["method"] == "svite":
        return SViTE(model, c, rng.fork(3))
    if c["method"] == "s2vite":
        return S2ViTE(model, c, rng.fork(4))
    return Dense(model, c)
