"""The ViT under timm's exact parameter names and layout (so state dicts load either way), with the
hooks the methods need: SViTE's masks act on the weights, S²ViTE's live heads and neurons are
zero-owned units (exactly the engine's compact model: a dead unit's output is 0), and SViTE+'s
selector gathers the kept tokens so every block runs on k+1 tokens."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .rng import Rng

LN_EPS = 1e-6  # timm's ViT LayerNorm epsilon (src/engine/model/layers.ts LN_EPS)


def num_patches(c: dict) -> int:
    return (c["imageSize"] // c["patchSize"]) ** 2


def head_dim(c: dict) -> int:
    return c["embedDim"] // c["numHeads"]


def mlp_hidden(c: dict) -> int:
    return math.floor(c["embedDim"] * c["mlpRatio"])


def js_round(x: float) -> int:
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def requested_tokens(c: dict) -> int:
    return max(1, js_round(c["tokenKeep"] * num_patches(c)))


def selector_on(c: dict) -> bool:
    """src/engine/facts/shape.ts selectorOn."""
    return c["tokenKeep"] < 1 and requested_tokens(c) < num_patches(c)


def learned_selector(c: dict) -> bool:
    """src/engine/facts/shape.ts learnedSelector: SViTE+ with its learned scorer; the fixed-centre
    baseline (tokenSelector 'centre') has none."""
    return selector_on(c) and c["tokenSelector"] == "learned"


def centre_patches(c: dict, k: int) -> list[int]:
    """src/engine/facts/shape.ts centrePatches: the k patches nearest the grid's centre (Euclidean
    distance between patch centres, ties to the lower index), increasing."""
    g = c["imageSize"] // c["patchSize"]
    mid = g / 2
    d = lambda i: (i // g + 0.5 - mid) ** 2 + (i % g + 0.5 - mid) ** 2
    return sorted(sorted(range(g * g), key=lambda i: (d(i), i))[:k])


def kept_tokens(c: dict) -> int:
    return requested_tokens(c) if selector_on(c) else num_patches(c)


def selector_position_bias(c: dict) -> bool:
    """src/engine/facts/shape.ts selectorPositionBias: a learnable per-patch bias on the scores."""
    return learned_selector(c) and c["tokenPrior"] > 0


def position_prior(c: dict) -> torch.Tensor:
    """src/engine/facts/shape.ts positionPrior: tokenPrior on the centre patches, 0 elsewhere."""
    prior = torch.zeros(num_patches(c))
    prior[centre_patches(c, kept_tokens(c))] = float(c["tokenPrior"])
    return prior


class Attention(nn.Module):
    """timm's Attention (qkv, proj) for `heads` heads of `hd` channels: a compact block has fewer."""

    def __init__(self, dim: int, heads: int, hd: int) -> None:
        super().__init__()
        self.heads, self.hd = heads, hd
        self.qkv = nn.Linear(dim, 3 * heads * hd)
        self.proj = nn.Linear(heads * hd, dim)

    def forward(self, x: torch.Tensor, gate: torch.Tensor | None = None, probe: torch.Tensor | None = None, **_: object) -> torch.Tensor:
        B, T, _ = x.shape  # **_: timm's Block may pass attn_mask (None for a ViT)
        q, k, v = self.qkv(x).reshape(B, T, 3, self.heads, self.hd).permute(2, 0, 3, 1, 4)
        attn = ((q * self.hd ** -0.5) @ k.transpose(-2, -1)).softmax(dim=-1)
        out = (attn @ v).transpose(1, 2)  # [B, T, H, hd]
        if gate is not None:
            out = out * gate[:, None, :, None]
        if probe is not None:
            out = out + probe
        return self.proj(out.reshape(B, T, self.heads * self.hd))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, hd: int, hidden: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.attn = Attention(dim, heads, hd)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x: torch.Tensor, gate=None, probe=None) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), gate, probe)
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch: int, chans: int, dim: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(chans, dim, patch, patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class TokenSelector(nn.Module):
    def __init__(self, dim: int, position_bias: torch.Tensor | None = None) -> None:
        super().__init__()
        self.score = nn.Linear(dim, 1)
        if position_bias is not None:  # select-tokens.ts patchScores: a per-patch bias on the scores
            self.position_bias = nn.Parameter(position_bias.clone())


@dataclass
class ForwardPlan:
    """Per step: S²ViTE's probes at an update step, SViTE+'s Gumbel noise and temperature."""
    gates: list[torch.Tensor] | None = None
    probes: list[torch.Tensor] | None = None
    noise: torch.Tensor | None = None
    tau: float = 1.0
    extras: dict = field(default_factory=dict)


class VisionTransformer(nn.Module):
    """timm's VisionTransformer layout (class token, global_pool='token', no pre-logits), the
    fallback when timm is absent and the module the trainer runs. `heads`/`hidden` per block give
    a compact S²ViTE model."""

    def __init__(self, c: dict, heads: list[int] | None = None, hidden: list[int] | None = None, with_selector: bool | None = None) -> None:
        super().__init__()
        D, hd = c["embedDim"], head_dim(c)
        self.config = c
        self.patch_embed = PatchEmbed(c["patchSize"], c["inChans"], D)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches(c) + 1, D))
        if learned_selector(c) if with_selector is None else with_selector:
            self.token_selector = TokenSelector(D, position_prior(c) if selector_position_bias(c) else None)
        # The fixed-tokens baseline: the same centre patches for every image, in training and evaluation.
        self.fixed_patches = centre_patches(c, kept_tokens(c)) if selector_on(c) and not learned_selector(c) else None
        heads = heads or [c["numHeads"]] * c["depth"]
        hidden = hidden or [mlp_hidden(c)] * c["depth"]
        self.blocks = nn.ModuleList([Block(D, heads[i], hd, hidden[i]) for i in range(c["depth"])])
        self.norm = nn.LayerNorm(D, eps=LN_EPS)
        self.head = nn.Linear(D, c["numClasses"])
        self.global_pool = "token"
        self.num_classes = c["numClasses"]

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        t = self.patch_embed(x)
        return torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], dim=1) + self.pos_embed

    def select_tokens(self, x: torch.Tensor, plan: ForwardPlan | None) -> torch.Tensor:
        """select-tokens.ts: Gumbel top-k with a straight-through gate in training, top-k at eval."""
        k = kept_tokens(self.config)
        B, T, D = x.shape
        scores = self.token_selector.score(x).squeeze(-1)[:, 1:]  # [B, N]
        if hasattr(self.token_selector, "position_bias"):
            scores = scores + self.token_selector.position_bias
        if plan is None or plan.noise is None:
            idx = torch.topk(scores.detach(), k, dim=1).indices
            return torch.cat([x[:, :1], torch.gather(x[:, 1:], 1, idx[..., None].expand(B, k, D))], dim=1)
        logits = F.log_softmax(scores, dim=1) + plan.noise
        idx = torch.topk(logits.detach(), k, dim=1).indices
        y = F.softmax(logits / plan.tau, dim=1)
        m = 1 - y.detach() + y  # 1 in value, y's gradient
        kept = torch.gather(x[:, 1:], 1, idx[..., None].expand(B, k, D)) * torch.gather(m, 1, idx)[..., None]
        return torch.cat([x[:, :1], kept], dim=1)

    def forward(self, x: torch.Tensor, plan: ForwardPlan | None = None) -> torch.Tensor:
        x = self.embed(x)
        if hasattr(self, "token_selector"):
            x = self.select_tokens(x, plan)
        elif self.fixed_patches is not None:  # select-tokens.ts plan.fixed: cls, then the centre patches
            x = x[:, [0] + [p + 1 for p in self.fixed_patches]]
        for i, blk in enumerate(self.blocks):
            gate = plan.gates[i] if plan and plan.gates else None
            probe = plan.probes[i] if plan and plan.probes else None
            x = blk(x, gate, probe)
        return self.head(self.norm(x[:, 0]))


def is_norm(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 2 and parts[-2].startswith("norm")


def is_decayed(name: str) -> bool:
    """AdamW decay: weights of Linear/conv layers (params.ts `decay`), not biases, norms, cls/pos."""
    return name.endswith(".weight") and not is_norm(name)


def engine_init(model: VisionTransformer, seed: int) -> None:
    """src/engine/model/init.ts in params.ts order, from Rng(seed).fork(1): the engine's exact
    initial weights. Values are drawn in the engine's layout (Linear [in, out], patch embedding
    [C·p·p, D]) and transposed into PyTorch's."""
    rng = Rng(seed).fork(1)
    with torch.no_grad():
        for name, p in engine_order(model):
            if name == "token_selector.position_bias":  # model.ts: the prior, no random draw
                p.copy_(position_prior(model.config))
                continue
            if name.endswith(".bias") and not name.startswith("token_selector"):
                p.zero_()
                continue
            if is_norm(name):
                p.fill_(1.0 if name.endswith(".weight") else 0.0)
                continue
            ours = ours_shape(name, p)
            n = math.prod(ours)
            if name == "patch_embed.proj.weight":
                bound = 1 / math.sqrt(ours[0])
                vals = [(rng.next() * 2 - 1) * bound for _ in range(n)]
            else:
                vals = [rng.trunc_normal(0.02) for _ in range(n)]
            p.copy_(from_ours(name, torch.tensor(vals, dtype=torch.float32).reshape(ours), p.shape))


def engine_order(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """Parameters in src/engine/model/params.ts order: cls, pos, patch embedding, selector, blocks, norm, head."""
    named = dict(model.named_parameters())
    first = ["cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias", "token_selector.score.weight", "token_selector.score.bias",
             "token_selector.position_bias"]
    order = [n for n in first if n in named]
    order += [n for n in named if n.startswith("blocks.")]
    order += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    return [(n, named[n]) for n in order]


def ours_shape(name: str, p: torch.Tensor) -> list[int]:
    """The engine's layout of a parameter: 2-D weights transposed, the conv as [C·p·p, D]."""
    if p.dim() == 4:
        return [math.prod(p.shape[1:]), p.shape[0]]
    if p.dim() == 2:
        return [p.shape[1], p.shape[0]]
    return list(p.shape)


def to_ours(name: str, t: torch.Tensor) -> torch.Tensor:
    if t.dim() == 4:
        return t.reshape(t.shape[0], -1).t()
    if t.dim() == 2:
        return t.t()
    return t


def from_ours(name: str, t: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    if len(shape) in (2, 4):
        return t.t().reshape(shape).contiguous()
    return t.reshape(shape)
