"""Train the experiment of a share link with PyTorch DDP:

    torchrun --nproc_per_node=N -m sparse_vit.train --url "<share link>" --out DIR

One process per device (nccl on GPUs, gloo on CPUs). Every rank builds the same global batch from
the engine's seeded order and trains on its slice of it, so N processes take exactly the steps one
process takes with the same batch size. A plain loop, in the style of timm's train.py and nanoGPT.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

from .data import Batcher, eval_batches, load_for_config
from .io import export_model
from .flops import compute_flops
from .link import decode_link, encode_link, escape_controls
from .model import ForwardPlan, VisionTransformer, engine_init, is_decayed, kept_tokens, selector_on
from .optim import AdamW, learning_rate
from .rng import Rng
from .runfile import build_run, write_run_file
from .sparse import TokenNoise, make_method

# Above this many parameters the initial weights come from torch's own trunc_normal_ (seeded),
# not the engine's stream: drawing 86 M normals in Python takes minutes. Smaller models start
# from the engine's exact weights.
ENGINE_INIT_MAX_PARAMS = 30_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m sparse_vit.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="the studio's share link (or its query string)")
    p.add_argument("--out", required=True, help="folder for model.safetensors, summary.json, run.svrun.gz, checkpoint.pt")
    p.add_argument("--data-dir", help="folder with mnist/, fashion-mnist/, cifar10/ (default: ./data, then ../shared/datasets)")
    p.add_argument("--image-folder", help="an ImageNet-style folder (train/<class>/…, val/<class>/…), read with torchvision")
    p.add_argument("--compact", action="store_true", help="S²ViTE: drop removed heads and neurons from model.safetensors")
    p.add_argument("--resume", help="checkpoint.pt to continue from")
    p.add_argument("--checkpoint-every", type=int, default=0, help="also write checkpoint.pt every N steps (it is always written at the end)")
    p.add_argument("--stop-at", type=int, default=0, help="stop after this step (a checkpoint to --resume from is written)")
    p.add_argument("--device", default="auto", help="auto (cuda when available), cpu or cuda")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def setup() -> tuple[int, int, torch.device]:
    """Rank, world size and device; a process group when torchrun started us."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1 or "LOCAL_RANK" in os.environ:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
    return rank, world, torch.device("cpu")


def mean_over_ranks(x: float, world: int, device: torch.device) -> float:
    if world == 1:
        return x
    t = torch.tensor([x], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return float(t.item()) / world


@torch.no_grad()
def evaluate(model: VisionTransformer, ds, c: dict, device: torch.device, limit: int = 0, split: str = "test") -> dict:
    """Accuracy, mean loss and confusion (engine's evaluate: test batches in set order, top-k tokens)."""
    model.eval()
    k = c["numClasses"]
    confusion = torch.zeros(k, k, dtype=torch.long)
    loss_sum, count, correct = 0.0, 0, 0
    xs, ys = (ds.test_x, ds.test_y) if split == "test" else (ds.train_x, ds.train_y)
    view = type(ds)(ds.name, ds.class_names, ds.train_x, ds.train_y, xs, ys, ds.mean, ds.std)
    for x, y in eval_batches(view, max(c["batchSize"], 128), limit):
        x, y = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        logits = model(x)
        loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
        pred = logits.argmax(-1)
        correct += int((pred == y).sum())
        confusion += torch.bincount((y * k + pred).cpu(), minlength=k * k).reshape(k, k)
        count += len(y)
    model.train()
    loss = loss_sum / count
    return {"accuracy": correct / count if math.isfinite(loss) else None, "loss": loss, "count": count, "confusion": confusion.tolist()}


def topology_agrees(method, model: torch.nn.Module, world: int) -> bool:
    """Every rank holds the same masks, live units and weights (compared by digest on rank 0)."""
    if world == 1:
        return True
    h = hashlib.sha256()
    for v in method.export().values():
        h.update(repr(v).encode() if isinstance(v, list) else b"".join(m.cpu().numpy().tobytes() for m in v.values()))
    for t in model.state_dict().values():
        h.update(t.cpu().numpy().tobytes())
    digests: list[str | None] = [None] * world
    dist.all_gather_object(digests, h.hexdigest())
    return len(set(digests)) == 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rank, world, device = setup()
    if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()):
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    log = (lambda *a: print(*a, flush=True)) if rank == 0 and not args.quiet else (lambda *a: None)

    decoded = decode_link(args.url)
    c = decoded.config
    for i in decoded.ignored:
        if rank == 0:
            print(escape_controls(f"link: {i['key']}={i['value']} ignored: {i['reason']}"), file=sys.stderr)
    B = c["batchSize"]
    if B % world:
        raise SystemExit(f"batchSize {B} does not split over {world} processes: pick --nproc_per_node that divides it, or set bs= in the link")
    local = B // world
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    ds = load_for_config(c, args.data_dir, args.image_folder)
    # The trainer's streams, in its order: model fork(1), data fork(2), method fork(3|4), tokens fork(5).
    rng = Rng(c["seed"])
    model = VisionTransformer(c).to(device)
    if sum(p.numel() for p in model.parameters()) <= ENGINE_INIT_MAX_PARAMS:
        engine_init(model, c["seed"])
    else:
        torch.manual_seed(c["seed"])
        for n, p in model.named_parameters():
            if p.dim() >= 2 and n != "patch_embed.proj.weight" or n in ("cls_token", "pos_embed"):
                torch.nn.init.trunc_normal_(p, std=0.02, a=-2, b=2)
    batcher = Batcher(ds, B, rng.fork(2), c["augment"], c["trainSize"])
    method = make_method(model, c, rng)
    tokens = TokenNoise(c, rng.fork(5)) if selector_on(c) else None
    named = list(model.named_parameters())
    opt = AdamW(named, {n for n, _ in named if is_decayed(n)}, restart_bias_correction=c["sparseMoments"] == "restart",
                lr_scale={n: c["tokenLr"] for n, _ in named if n.startswith("token_selector.")})
    losses: list[float] = []
    per_step: dict[str, list[float]] = {"lr": [], "tau": [], "stepMs": []}
    updates: list[dict] = []
    evals: list[dict] = []
    start = 0
    if args.resume:
        ck = torch.load(args.resume, map_location=device)
        if ck["link"] != args.url and decode_link(ck["link"]).config != c:
            raise SystemExit(f"{args.resume} was trained from another link ({ck['link']}): resume with the same --url")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        method.load(ck["method"])
        batcher.set_state(ck["data"])
        if tokens:
            tokens.rng.set_state(ck["tokens"])
        losses, updates, evals, start, per_step = ck["losses"], ck["updates"], ck["evals"], ck["step"], ck["perStep"]
        log(f"resumed at step {start}")
    net = DDP(model) if world > 1 else model
    if rank == 0:
        (out / "link.txt").write_text(args.url + "\n")

    def checkpoint(step: int) -> None:
        if rank == 0:
            torch.save({"link": args.url, "step": step, "model": model.state_dict(), "optimizer": opt.state_dict(), "method": method.state(),
                        "data": batcher.state(), "tokens": tokens.rng.state() if tokens else None, "losses": losses, "perStep": per_step, "updates": updates,
                        "evals": evals}, out / "checkpoint.pt.tmp")
            os.replace(out / "checkpoint.pt.tmp", out / "checkpoint.pt")

    log(f"{c['preset']} · {c['method']}{' + tokens' if tokens else ''} · {c['steps']} steps · batch {B} over {world} process(es) on {device}")
    started = time.time()
    train_time = 0.0
    stop = min(c["steps"], args.stop_at) if args.stop_at else c["steps"]
    for t in range(start, stop):
        step_started = time.time()
        step = t + 1
        lr = learning_rate(c, t)
        x, y, _ = batcher.next()
        x = torch.from_numpy(x[rank * local:(rank + 1) * local]).to(device)
        y = torch.from_numpy(y[rank * local:(rank + 1) * local]).to(device)
        update = method.is_update_step(step)
        plan = ForwardPlan()
        method.prepare(plan, update, local)
        if tokens and tokens.learned:
            plan.noise = tokens.noise(B)[rank * local:(rank + 1) * local].to(device)
            plan.tau = tokens.temperature(t)
        loss = F.cross_entropy(net(x, plan), y, label_smoothing=c["labelSmoothing"])
        for _, p in named:
            p.grad = None
        loss.backward()  # DDP averages the gradients over the ranks
        method.mask_gradients()
        opt.step(lr, c["weightDecay"], c["clipNorm"], method.decay_masks(update))
        method.after_optimizer()
        if update:
            updates += method.update(step, opt, world, B)
        value = mean_over_ranks(float(loss.detach()), world, device)
        if not math.isfinite(value):
            raise SystemExit(f"the loss at step {step} is {value} (not finite): training stopped. Start again with a lower lr or clipNorm on.")
        losses.append(value)
        train_time += time.time() - step_started
        per_step["lr"].append(lr)
        per_step["tau"].append(tokens.temperature(t) if tokens else math.nan)
        per_step["stepMs"].append((time.time() - step_started) * 1000)
        if step % 50 == 0 or step == 1:
            log(f"step {step}/{c['steps']} loss {value:.4f} lr {lr:.2e}")
        if c["evalEvery"] > 0 and step % c["evalEvery"] == 0 and step < c["steps"] and rank == 0:
            e = evaluate(model, ds, c, device, c["evalSize"])
            evals.append({"step": step, "accuracy": e["accuracy"], "loss": e["loss"], "images": e["count"]})
            log(f"eval at {step}: accuracy {e['accuracy']:.4f}")
        if args.checkpoint_every and step % args.checkpoint_every == 0:
            checkpoint(step)
    steps_done = len(losses)
    checkpoint(steps_done)
    ranks_agree = topology_agrees(method, model, world)
    if rank == 0:
        finished = steps_done >= c["steps"]
        test = evaluate(model, ds, c, device, 0 if finished else c["evalSize"])
        train = evaluate(model, ds, c, device, 10000 if finished else c["evalSize"], "train")
        if finished:
            evals.append({"step": steps_done, "accuracy": test["accuracy"], "loss": test["loss"], "images": test["count"]})
        data = {"mean": ds.mean, "std": ds.std, "classNames": ds.class_names}
        exported = method.export()
        export_model(out / "model.safetensors", model, c, data, masks=exported.get("masks"), heads=exported.get("heads"),
                     neurons=exported.get("neurons"), compact=args.compact)
        wall = time.time() - started
        m = method.summary()
        flops = compute_flops(c, m["density"] if c["method"] == "svite" else None, m.get("headsPerBlock"), m.get("neuronsPerBlock"), kept_tokens(c))
        summary = {
            "config": encode_link(c), "backend": f"torch-{device.type}", "processes": world, "dataset": c["dataset"] if not args.image_folder else ds.name,
            "steps": steps_done, "losses": losses,
            "trainAccuracy": train["accuracy"], "trainAccuracyImages": train["count"],
            "testAccuracy": test["accuracy"], "testImages": test["count"], "testLoss": test["loss"], "confusion": test["confusion"],
            "evals": evals, "wallMs": wall * 1000, "trainMs": train_time * 1000,
            "imagesPerSec": (steps_done - start) * B / train_time if train_time > 0 else None,
            "paramsCount": sum(p.numel() for n, p in named), **method.summary(), "updates": updates,
            "flops": flops, "ranksAgree": ranks_agree,
        }
        if steps_done < c["steps"]:
            summary["stoppedBy"] = "stop-at"
        (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
        meta = {"trainCount": batcher.count, "testCount": len(ds.test_x), "classNames": ds.class_names}
        write_run_file(out / "run.svrun.gz", build_run(encode_link(c), c, summary, per_step, flops, started, meta))
        log(f"done: {steps_done} steps, test accuracy {test['accuracy']:.4f} on {test['count']} images → {out}")
    # No closing barrier: the other ranks' last collective was topology_agrees, and rank 0 only
    # writes files after it. (On a loaded 2-core machine a closing barrier + destroy_process_group
    # once left rank 1 waiting after rank 0 had exited.)
    return 0


if __name__ == "__main__":
    sys.exit(main())
