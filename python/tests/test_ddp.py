"""DDP is exact: 1 process and 2 processes (gloo, CPU) with the same global batch take the same
steps (first 20 losses within 1e-5 relative), every rank holds the same masks, live units and
weights, and the model files' topology equals the single process's."""
from __future__ import annotations

import unittest

import torch

from common import relative_errors, tmpdir, train
from sparse_vit.io import read_safetensors

LINK = "v=1&p=tiny&st=20&ee=0&es=200&s=2&dt=4&g=gradient"


class DDPExact(unittest.TestCase):
    def check(self, link: str) -> None:
        d = tmpdir(self)
        one, two = train(link, d / "one", 1), train(link, d / "two", 2)
        self.assertEqual(two["processes"], 2)
        self.assertTrue(two["ranksAgree"], "the ranks' masks, units or weights differ")
        self.assertLess(max(relative_errors(one["losses"], two["losses"])), 1e-5, (one["losses"], two["losses"]))
        a, ma = read_safetensors(d / "one" / "model.safetensors")
        b, mb = read_safetensors(d / "two" / "model.safetensors")
        for k in a:
            if k.endswith(".mask"):
                self.assertTrue(torch.equal(a[k], b[k]), k)
        self.assertEqual((ma.get("heads"), ma.get("neurons")), (mb.get("heads"), mb.get("neurons")))

    def test_svite_gradient_growth(self) -> None:
        self.check(LINK + "&m=svite")

    def test_s2vite_with_tokens(self) -> None:
        # With unit protection and a cap, so the update-age bookkeeping is checked on every rank too.
        self.check(LINK + "&m=s2vite&tk=0.5&h=8&ad=0.5&up=1&uc=3")


if __name__ == "__main__":
    unittest.main()
