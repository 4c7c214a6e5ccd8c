"""Helpers of the Python tests: run the trainer (1 or N processes) and the TypeScript CLI."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parents[1]
REPO = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))  # the package, without installing it
# OpenBLAS settings some machines export make torch pick a wrong kernel: run without them.
ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
ENV.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(PYTHON_DIR))


# Debian's torch 1.13 on Python 3.11 fails to parse torchrun's default --redirects/--tee ("0"):
# a mapping for a rank that does not exist means the same (no redirection) and parses everywhere.
TORCHRUN_STD = ["--redirects", "9:1", "--tee", "9:1"]


def tmpdir(test) -> Path:
    d = Path(tempfile.mkdtemp(prefix="sparse-vit-"))
    test.addCleanup(shutil.rmtree, d, True)
    return d


def train(url: str, out: Path, procs: int = 1, *extra: str) -> dict:
    """Runs `python -m sparse_vit.train` (through torchrun for procs > 1); returns summary.json."""
    if procs == 1:
        cmd = [sys.executable, "-m", "sparse_vit.train"]
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={procs}", *TORCHRUN_STD, "-m", "sparse_vit.train"]
    r = subprocess.run([*cmd, "--url", url, "--out", str(out), "--quiet", *extra], cwd=PYTHON_DIR, env=ENV, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"training failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return json.loads((out / "summary.json").read_text())


def has_node() -> bool:
    return shutil.which("node") is not None and (REPO / "node_modules").exists()


def cli(*args: str) -> subprocess.CompletedProcess:
    """The TypeScript CLI (`npm run cli -- …`), from the repository root."""
    r = subprocess.run(["node", "scripts/run-ts.mjs", "src/cli/main.ts", *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"cli {' '.join(args)} failed:\n{r.stderr[-3000:]}")
    return r


def relative_errors(a: list[float], b: list[float]) -> list[float]:
    return [abs(x - y) / max(abs(x), 1e-12) for x, y in zip(a, b)]
