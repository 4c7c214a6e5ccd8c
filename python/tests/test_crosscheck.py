"""TypeScript = PyTorch: from the same link (so the same initial weights, batches and streams), the
engine's CLI and sparse_vit give the same first 20 losses (1e-4 relative), and the topology update
at step 10 (gradient growth) chooses the same weights, heads and neurons; `cli eval` reads the
Python-written model and finds the accuracy its summary.json reports."""
from __future__ import annotations

import json
import unittest

import torch

from common import cli, has_node, relative_errors, tmpdir, train
from sparse_vit.io import read_safetensors

BASE = "v=1&p=tiny&st=20&ee=0&es=200&s=1"
LINKS = {
    "dense": BASE,
    "svite": BASE + "&m=svite&g=gradient&dt=10",
    "s2vite": BASE + "&m=s2vite&dt=10",
    "svite+": BASE + "&m=svite&g=gradient&dt=10&tk=0.5",
    # SET growth, uniform layers and per-entry bias correction: the other rules of SViTE.
    "svite-random": BASE + "&m=svite&g=random&dist=uniform&sm=restart&dt=10",
}


@unittest.skipUnless(has_node(), "needs node and the repository's node_modules (the TypeScript engine)")
class CrossCheck(unittest.TestCase):
    def check(self, method: str) -> None:
        link = LINKS[method]
        d = tmpdir(self)
        ts_model, ts_json = d / "ts.safetensors", d / "ts.json"
        cli("train", "--url", link, "--json", str(ts_json), "--save", str(ts_model), "--quiet")
        ts = json.loads(ts_json.read_text())
        py = train(link, d / "py")
        self.assertEqual(len(py["losses"]), 20)
        self.assertLess(max(relative_errors(ts["losses"], py["losses"])), 1e-4, (ts["losses"], py["losses"]))
        self.assertEqual([u for u in ts["updates"] if u["step"] == 10] != [], method != "dense")
        a, ma = read_safetensors(ts_model)
        b, mb = read_safetensors(d / "py" / "model.safetensors")
        masks = sorted(k for k in a if k.endswith(".mask"))
        self.assertEqual(masks, sorted(k for k in b if k.endswith(".mask")))
        self.assertEqual(bool(masks), method.startswith("svite"))  # SViTE and SViTE+ only
        for k in masks:
            self.assertTrue(torch.equal(a[k], b[k]), f"{method}: {k} differs in {int((a[k] != b[k]).sum())} entries")
        self.assertEqual(set(ma), set(mb))  # the same metadata keys as `cli export`
        for k in ("heads", "neurons", "pretrained_cfg", "class_token", "global_pool", "layout", "method"):
            self.assertEqual(ma.get(k), mb.get(k), f"{method}: live {k} differ")
        for k in ("dense", "theoretical", "executed"):  # FLOPs of the final topology (flops.ts)
            self.assertAlmostEqual(ts["flops"][k], py["flops"][k], delta=1e-9 * ts["flops"]["dense"])
        self.assertEqual(ts["flops"]["params"], py["flops"]["params"])
        ev = json.loads(cli("eval", str(d / "py" / "model.safetensors")).stdout)
        self.assertEqual(ev["testAccuracy"], py["testAccuracy"])
        self.assertEqual(ev["testImages"], py["testImages"])

    def test_dense(self) -> None:
        self.check("dense")

    def test_svite(self) -> None:
        self.check("svite")

    def test_s2vite(self) -> None:
        self.check("s2vite")

    def test_svite_plus(self) -> None:
        self.check("svite+")

    def test_svite_random_growth_uniform_restart(self) -> None:
        self.check("svite-random")


if __name__ == "__main__":
    unittest.main()
