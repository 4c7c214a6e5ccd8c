"""src/engine/flops.ts computeFlops (MACs per image: dense, theoretical, executed, per component)."""
from __future__ import annotations

from .model import head_dim, js_round, mlp_hidden, num_patches
from .rules import UNIT_PARAMS, unit_indices

COMPONENTS = ["patch_embed", "selector", "qkv", "attn", "proj", "fc1", "fc2", "head"]


def compute_flops(c: dict, layer_density: dict[str, float] | None = None, heads: list[int] | None = None,
                  neurons: list[int] | None = None, kept: int | None = None) -> dict:
    D, H, hd, hidden, C = c["embedDim"], c["numHeads"], head_dim(c), mlp_hidden(c), c["numClasses"]
    patches = num_patches(c)
    patch_in = c["inChans"] * c["patchSize"] ** 2
    k = min(kept if kept is not None else patches, patches)
    n_all, N = patches + 1, k + 1
    dens = (layer_density or {}).get
    comps = []

    def add(name: str, block: int, dense: float, theo: float, exe: float) -> None:
        comps.append({"component": name, "block": block, "dense": dense, "theoretical": theo, "executed": exe})

    counts = {"nonzero": 0, "executed": 0}

    def weights(live: int, density: float) -> None:
        """A live weight part: nonzeros as the mask draws them (round(d·N)), all of it executed."""
        counts["nonzero"] += js_round(density * live)
        counts["executed"] += live

    def dense(n: int) -> None:
        counts["nonzero"] += n
        counts["executed"] += n

    pe = "patch_embed.proj.weight"
    add("patch_embed", -1, patches * D * patch_in, patches * D * patch_in * dens(pe, 1), patches * D * patch_in)
    weights(patch_in * D, dens(pe, 1))
    dense(D + D + (patches + 1) * D)  # bias, cls token, pos embed
    # flops.ts selectorOn: the learned selector scores every token (D→1); the fixed-centre baseline has no scorer.
    learned = k < patches and c["tokenSelector"] == "learned"
    sel = n_all * D if learned else 0
    add("selector", -1, 0, sel, sel)
    if learned:
        dense(D + 1)
    for b in range(c["depth"]):
        live = {"head": heads[b] if heads else H, "neuron": neurons[b] if neurons else hidden}
        a = live["head"] * hd
        n = live["neuron"]
        dq, dp = dens(f"blocks.{b}.attn.qkv.weight", 1), dens(f"blocks.{b}.attn.proj.weight", 1)
        d1, d2 = dens(f"blocks.{b}.mlp.fc1.weight", 1), dens(f"blocks.{b}.mlp.fc2.weight", 1)
        add("qkv", b, n_all * D * 3 * D, N * D * 3 * a * dq, N * D * 3 * a)
        add("attn", b, 2 * n_all * n_all * D, 2 * N * N * a, 2 * N * N * a)
        add("proj", b, n_all * D * D, N * a * D * dp, N * a * D)
        add("fc1", b, n_all * D * hidden, N * D * n * d1, N * D * n)
        add("fc2", b, n_all * hidden * D, N * n * D * d2, N * n * D)
        dense(6 * D)  # norm1, norm2, the proj and fc2 biases
        for u in UNIT_PARAMS:  # what live units own, as the unit table lays it out
            entries = len(unit_indices(u, list(range(live[u.unit])), c)) * (D if u.kind == "weight" else 1)
            if u.kind == "bias":
                dense(entries)
            else:
                weights(entries, dens(f"blocks.{b}.{u.layer}.weight", 1))
    add("head", -1, D * C, D * C * dens("head.weight", 1), D * C)
    dense(2 * D)
    weights(D * C, dens("head.weight", 1))
    dense(C)
    totals = {key: sum(x[key] for x in comps) for key in ("dense", "theoretical", "executed")}
    by = {name: {"dense": 0, "theoretical": 0, "executed": 0} for name in COMPONENTS}
    for x in comps:
        for key in ("dense", "theoretical", "executed"):
            by[x["component"]][key] += x[key]
    return {"unit": "MACs", **totals, "savedTheoretical": 1 - totals["theoretical"] / totals["dense"],
            "savedExecuted": 1 - totals["executed"] / totals["dense"], "components": comps, "byComponent": by,
            "params": {"dense": dense_params(c), **counts}, "tokens": N}


def dense_params(c: dict) -> int:
    """countParams(paramSpecs(c)): the dense model without the selector."""
    D, hidden, patch_in = c["embedDim"], mlp_hidden(c), c["inChans"] * c["patchSize"] ** 2
    block = 4 * D + (D * 3 * D + 3 * D) + (D * D + D) + (D * hidden + hidden) + (hidden * D + D)
    return D + (num_patches(c) + 1) * D + patch_in * D + D + c["depth"] * block + 2 * D + D * c["numClasses"] + c["numClasses"]
