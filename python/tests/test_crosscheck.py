"""TypeScript = PyTorch: from the same link (so the same initial weights, batches and streams), the
engine's CLI and sparse_vit give the same first 20 losses (1e-4 relative), and the topology update
at step 10 (gradient growth) chooses the same weights, heads and neurons, with the same unit ids in
the update events; S²ViTE's unit-rule options and SViTE+'s fixed tokens, τ schedule, centre prior and selector lr as well; `cli eval` reads the
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
    # S²ViTE's unit-rule options away from their defaults: floor rounding, grown units protected for
    # 2 updates, zero-init regrowth (updates at 5, 10, 15, so protection decides at 10 and 15), and
    # the reference's regrowth of just-pruned units (rp=1), whose no-op swaps must keep their weights ...
    "s2vite-floor-protect-zero": BASE + "&m=s2vite&dt=5&ua=0.7&ur=floor&up=2&ui=zero&rp=1",
    # ... a cap of one unit per block and update, random unit growth, JS rounding, neurons pruned by magnitude ...
    "s2vite-cap-random": BASE + "&m=s2vite&dt=5&uc=1&ug=random&ur=round&np=magnitude",
    # ... and the frozen-topology baseline (no update at all).
    "s2vite-frozen": BASE + "&m=s2vite&dt=5&te=0",
    # SViTE+'s fixed centre tokens, and the learned selector with its own τ schedule and noise scale.
    "svite+-centre": BASE + "&m=svite&g=gradient&dt=10&tk=0.5&tsel=centre",
    "svite+-tau": BASE + "&m=svite&g=gradient&dt=10&tk=0.5&tau0=2&tau1=0.5&tn=0.5",
    # ... and with its centre prior (a per-patch score bias) and its own learning rate.
    "svite+-prior": BASE + "&m=svite&g=gradient&dt=10&tk=0.5&tpr=3&tlr=0.3",
}
# What an update event says in both summaries (S²ViTE's carry the unit ids pruned and grown).
EVENT_KEYS = ("step", "layer", "pruned", "grown", "regrown", "prunedIds", "grownIds")


def replay_units(summary: dict) -> tuple[list[list[int]], list[list[int]]]:
    """The live heads and neurons after the update events, from the summary's start sets (the
    engine's sparse/replay.ts): each event removes its prunedIds, then adds its grownIds."""
    live = {"heads": [set(b) for b in summary["heads"]["start"]], "neurons": [set(b) for b in summary["neurons"]["start"]]}
    for u in summary["updates"]:
        _, block, _, kind = u["layer"].split(".")
        sets = live["heads" if kind == "heads" else "neurons"][int(block)]
        assert set(u["prunedIds"]) <= sets and not set(u["grownIds"]) & (sets - set(u["prunedIds"])), u
        sets.difference_update(u["prunedIds"])
        sets.update(u["grownIds"])
    return [sorted(b) for b in live["heads"]], [sorted(b) for b in live["neurons"]]


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
        updates_at_10 = [u for u in ts["updates"] if u["step"] == 10]
        self.assertEqual(updates_at_10 != [], method not in ("dense", "s2vite-frozen"))
        if method.startswith("s2vite") and updates_at_10:
            self.assertTrue(all(u["prunedIds"] is not None for u in updates_at_10))
        events = lambda s: [{k: u.get(k) for k in EVENT_KEYS} for u in s["updates"]]
        self.assertEqual(events(ts), events(py), f"{method}: the update events differ")
        for units in ("heads", "neurons"):
            self.assertEqual(ts.get(units), py.get(units), f"{method}: the summaries' live {units} (start, end) differ")
        if method.startswith("s2vite"):
            self.assertEqual(replay_units(py), (py["heads"]["end"], py["neurons"]["end"]))
        a, ma = read_safetensors(ts_model)
        b, mb = read_safetensors(d / "py" / "model.safetensors")
        masks = sorted(k for k in a if k.endswith(".mask"))
        self.assertEqual(masks, sorted(k for k in b if k.endswith(".mask")))
        self.assertEqual(bool(masks), method.startswith("svite"))
        self.assertEqual(ma.get("heads") is not None, method.startswith("s2vite"))
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
    def test_s2vite_floor_protect_zero(self) -> None:
        self.check("s2vite-floor-protect-zero")

    def test_s2vite_cap_random(self) -> None:
        self.check("s2vite-cap-random")

    def test_s2vite_frozen(self) -> None:
        self.check("s2vite-frozen")

    def test_svite_plus_centre(self) -> None:
        self.check("svite+-centre")

    def test_svite_plus_tau(self) -> None:
        self.check("svite+-tau")

    def test_svite_plus_prior(self) -> None:
        self.check("svite+-prior")


if __name__ == "__main__":
    unittest.main()
