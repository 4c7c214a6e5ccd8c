"""The PyTorch peer of `npm run bench -- --only peer`: the same ViT shapes, trained the same way, on the CPU.

Reads one JSON object on stdin (written by src/cli/bench/peer.ts from the preset's config, the one
home of the shapes) and prints one JSON object: the torch version, the BLAS library it runs on, and
per thread count the median training step and inference batch times.

The model is a plain timm-layout ViT written to match ours (src/engine/model/vit.ts): conv patch
embedding, cls token, learned position embedding, pre-norm blocks (LayerNorm eps 1e-6, qkv
attention, exact GELU MLP), the final LayerNorm on the cls token only (what ours computes; it is
per token, so the logits equal timm's), a linear head. Its parameter count must equal ours.
Training step: label-smoothed cross-entropy, global-norm gradient clipping, AdamW with weight decay
on weight matrices only (not biases, norms, cls/pos tokens). Images are random: step time does not
depend on pixel values.
"""
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # exact (erf), as ours
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, chans, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, D]


class ViT(nn.Module):
    def __init__(self, c):
        super().__init__()
        dim, n = c["embedDim"], (c["imageSize"] // c["patchSize"]) ** 2
        self.patch_embed = PatchEmbed(c["inChans"], c["patchSize"], dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
        self.blocks = nn.ModuleList(Block(dim, c["numHeads"], c["mlpHidden"]) for _ in range(c["depth"]))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, c["numClasses"])

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x[:, 0]))


def blas_libraries():
    """The BLAS/LAPACK/OpenMP shared objects this process really mapped (not what the build says)."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if ".so" in line}
    keys = ("blas", "lapack", "mkl", "gomp", "omp", "dnnl")
    return sorted(os.path.realpath(p) for p in paths if any(k in os.path.basename(p).lower() for k in keys))


def measure(c, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = ViT(c)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and n not in ("cls_token", "pos_embed")]
    other = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and n not in ("cls_token", "pos_embed"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": c["weightDecay"]}, {"params": other, "weight_decay": 0.0}],
                            lr=c["lr"], betas=(0.9, 0.999), eps=1e-8)
    b, s, ch = c["batchSize"], c["imageSize"], c["inChans"]
    xs = [torch.randn(b, ch, s, s) for _ in range(4)]
    ys = [torch.randint(0, c["numClasses"], (b,)) for _ in range(4)]

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xs[i % 4]), ys[i % 4], label_smoothing=c["labelSmoothing"])
        loss.backward()
        if c["clipNorm"] > 0:
            nn.utils.clip_grad_norm_(model.parameters(), c["clipNorm"])
        opt.step()
        return loss.item()

    model.train()
    train = []
    for i in range(c["warmup"] + c["reps"]):
        t0 = time.perf_counter()
        loss = step(i)
        if i >= c["warmup"]:
            train.append((time.perf_counter() - t0) * 1000)
    if not math.isfinite(loss):
        raise SystemExit(f"peer: non-finite loss {loss}")
    model.eval()
    infer = []
    with torch.no_grad():
        for i in range(c["warmup"] + c["reps"]):
            t0 = time.perf_counter()
            model(xs[i % 4]).sum().item()
            if i >= c["warmup"]:
                infer.append((time.perf_counter() - t0) * 1000)
    train_ms, infer_ms = statistics.median(train), statistics.median(infer)
    return {"threads": threads, "trainMs": train_ms, "imagesPerSec": b * 1000 / train_ms, "inferMs": infer_ms,
            "gemmMs": gemm_ms(c["gemmShapes"], c["reps"] * 4),
            "trainSamples": train, "inferSamples": infer, "finalLoss": loss}


def gemm_ms(shapes, reps):
    """One block's forward matmuls alone ([M, K, N] each, from peer.ts): the summed medians of reps calls."""
    total = 0.0
    for m, k, n in shapes:
        a, w = torch.randn(m, k), torch.randn(k, n)
        times = []
        for i in range(reps + 5):
            t0 = time.perf_counter()
            a @ w
            if i >= 5:
                times.append((time.perf_counter() - t0) * 1000)
        total += statistics.median(times)
    return total


def main():
    c = json.load(sys.stdin)
    params = sum(p.numel() for p in ViT(c).parameters())
    if params != c["expectedParams"]:
        raise SystemExit(f"peer: the PyTorch model has {params} parameters, ours {c['expectedParams']}: the shapes differ")
    rows = [measure(c, t) for t in c["threads"]]
    json.dump({
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "blasLibraries": blas_libraries(),
        "blasInfo": next((p.split("=", 1)[1] for p in torch.__config__.show().replace(",", "\n").split("\n") if "BLAS_INFO" in p), None),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "openblasThreadsEnv": os.environ.get("OPENBLAS_NUM_THREADS"),
        "interopThreads": torch.get_num_interop_threads(),
        "params": params,
        "rows": rows,
    }, sys.stdout)


if __name__ == "__main__":
    main()
