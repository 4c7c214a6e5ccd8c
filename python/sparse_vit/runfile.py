"""A finished run as the studio's run file (src/ui/runs/run-file.ts, format sparse-vit-studio/run/1):
gzipped JSON of the run record, its chunks (per-step loss, lr, τ, step time; evaluations; update
events) and no snapshots. Typed arrays travel as base64 of their little-endian bytes, non-finite
numbers as {"$num": …} tags, as the studio's encoder writes them. Runs → Import reads it."""
from __future__ import annotations

import base64
import gzip
import json
import math
import time
import uuid

import numpy as np

from .link import SPEC

RUN_FILE_FORMAT = SPEC["engine"]["runFileFormat"]  # src/ui/runs/run-file.ts RUN_FILE_FORMAT
FRAME_STEPS = 50  # steps per saved frame


def typed(name: str, values, dtype) -> dict:
    return {"$typed": name, "b64": base64.b64encode(np.asarray(values, dtype=dtype).astype(dtype).tobytes()).decode("ascii")}


def _tags(v):
    """Non-finite numbers as the studio's tags (JSON has no NaN)."""
    if isinstance(v, float) and not math.isfinite(v):
        return {"$num": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}
    if isinstance(v, dict):
        return {k: _tags(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_tags(x) for x in v]
    return v


def saved_flops(f: dict) -> dict:
    return {k: f[k] for k in ("dense", "theoretical", "executed", "savedTheoretical", "savedExecuted")}


def build_run(link: str, c: dict, summary: dict, per_step: dict, flops: dict, started_at: float, meta: dict) -> dict:
    run_id = f"torch-{uuid.uuid4().hex[:12]}"
    losses = summary["losses"]
    steps = len(losses)
    frames = []
    for a in range(0, steps, FRAME_STEPS):
        b = min(a + FRAME_STEPS, steps)
        frames.append({
            "step": b, "elapsedMs": sum(per_step["stepMs"][:b]),
            "steps": typed("Int32Array", range(a + 1, b + 1), np.int32), "loss": typed("Float32Array", losses[a:b], np.float32),
            "lr": typed("Float32Array", per_step["lr"][a:b], np.float32), "tau": typed("Float32Array", per_step["tau"][a:b], np.float32),
            "stepMs": typed("Float32Array", per_step["stepMs"][a:b], np.float32),
            "updates": [u for u in summary["updates"] if a < u["step"] <= b],
            "globalDensity": summary["globalDensity"], "globalFiredDensity": summary["globalFiredDensity"] if c["method"] != "dense" else math.nan,
            "flops": saved_flops(flops),
        })
    evals = [{"step": e["step"], "accuracy": e["accuracy"], "loss": e["loss"], "count": e["images"],
              "reason": "final" if i == len(summary["evals"]) - 1 and e["step"] == steps else "periodic", "elapsedMs": 0}
             for i, e in enumerate(summary["evals"])]
    k = c["numClasses"]
    now = time.time() * 1000
    record = {
        "id": run_id, "name": f"{c['preset']} {c['method']} · torch ×{summary['processes']}", "starred": False, "status": "done",
        "link": link, "config": c, "preset": c["preset"], "backend": summary["backend"], "adapter": f"PyTorch DDP ×{summary['processes']}",
        "startedAt": started_at * 1000, "endedAt": now, "updatedAt": now, "step": steps, "totalSteps": c["steps"],
        "lastLoss": losses[-1] if losses else math.nan, "accuracy": summary["testAccuracy"], "testLoss": summary["testLoss"],
        "flops": saved_flops(flops), "finalFlops": flops,
        "meta": {"paramsCount": summary["paramsCount"], "trainCount": meta["trainCount"], "testCount": meta["testCount"],
                 "classNames": meta["classNames"], "dataNotes": [], "setupMs": 0},
        "paramsCount": summary["paramsCount"], "msPerStep": summary["trainMs"] / max(1, steps), "elapsedMs": summary["wallMs"],
        "confusion": {"numClasses": k, "counts": typed("Int32Array", [x for row in summary["confusion"] for x in row], np.int32)},
        "bytes": 0,
    }
    return {"format": RUN_FILE_FORMAT, "record": record, "chunks": [{"runId": run_id, "seq": 0, "frames": frames, "evals": evals}], "snapshots": []}


def write_run_file(path, run: dict) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(json.dumps(_tags(run), separators=(",", ":"), allow_nan=False).encode("utf-8"))
