"""What a run leaves behind: the compact model file loads per block and predicts as the dense one,
the README's PyTorch snippet runs as written, --resume continues with the same losses, and the run
file imports into the studio with curves equal to the summary's."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from common import ENV, REPO, has_node, tmpdir, train
from sparse_vit import load_model

LINK = "v=1&p=tiny&st=12&ee=6&es=100&s=4&m=s2vite&dt=5"


class Artefacts(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.dir = Path(tempfile.mkdtemp(prefix="sparse-vit-"))
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        cls.summary = train(LINK, cls.dir / "dense")

    def test_compact_file_loads_per_block_and_predicts_as_the_dense_one(self) -> None:
        train(LINK, self.dir / "compact", 1, "--compact")
        dense, compact = load_model(self.dir / "dense" / "model.safetensors"), load_model(self.dir / "compact" / "model.safetensors")
        self.assertLess(compact.blocks[0].attn.qkv.out_features, dense.blocks[0].attn.qkv.out_features)
        self.assertLess(compact.blocks[0].mlp.fc1.out_features, dense.blocks[0].mlp.fc1.out_features)
        self.assertEqual(compact.pretrained_cfg["input_size"], [1, 16, 16])
        x = torch.randn(5, 1, 16, 16)
        torch.testing.assert_close(compact(x), dense(x), rtol=1e-5, atol=1e-5)

    def test_readme_snippet_runs_as_written(self) -> None:
        readme = (REPO / "README.md").read_text()
        snippet = re.search(r"<!-- pytorch-snippet -->\s*```python\n(.*?)```", readme, re.S)
        self.assertIsNotNone(snippet, "README.md has no <!-- pytorch-snippet --> block")
        work = tmpdir(self)
        shutil.copy(self.dir / "dense" / "model.safetensors", work / "model.safetensors")
        r = subprocess.run([sys.executable, "-c", snippet.group(1)], cwd=work, env=ENV, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"\['(circle|ring|square|cross|h-stripes|v-stripes|diagonal-stripes|checkerboard|triangle|two-dots)'")

    def test_resume_continues_with_the_same_losses(self) -> None:
        part = self.dir / "part"
        train(LINK, part, 1, "--stop-at", "7")
        resumed = train(LINK, part, 1, "--resume", str(part / "checkpoint.pt"))
        self.assertEqual(resumed["losses"], self.summary["losses"])
        self.assertEqual(resumed["testAccuracy"], self.summary["testAccuracy"])

    @unittest.skipUnless(has_node(), "needs node and the repository's node_modules")
    def test_run_file_imports_with_the_summary_curves(self) -> None:
        r = subprocess.run(["npx", "tsx", "scripts/read-run-file.ts", str(self.dir / "dense" / "run.svrun.gz")], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        run = json.loads(r.stdout)
        self.assertEqual(run["steps"], list(range(1, 13)))
        self.assertEqual(run["losses"], np.float32(self.summary["losses"]).tolist())
        self.assertEqual(run["accuracy"], self.summary["testAccuracy"])
        self.assertEqual([(e["step"], e["accuracy"]) for e in run["evals"]], [(e["step"], e["accuracy"]) for e in self.summary["evals"]])


if __name__ == "__main__":
    unittest.main()
