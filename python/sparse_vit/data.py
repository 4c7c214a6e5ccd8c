"""The data a link asks for, read from the same files as the CLI (src/cli/load-data.ts), and the
seeded batch order of src/engine/data/batch.ts, so a run sees the TypeScript engine's batches."""
from __future__ import annotations

import gzip
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .link import SPEC
from .rng import Rng
from .synthetic import CLASS_NAMES as SYNTHETIC_CLASSES, synthetic_arrays

REPO_ROOT = Path(__file__).resolve().parents[2]
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
}
MNIST_TEST_SPLIT_TRAIN_FRACTION = SPEC["engine"]["mnistTestSplitTrainFraction"]  # sources.ts TEST_SPLIT_TRAIN_FRACTION


@dataclass
class Dataset:
    name: str
    class_names: list[str]
    train_x: np.ndarray  # [N, H, W, C] uint8
    train_y: np.ndarray  # [N] int64
    test_x: np.ndarray
    test_y: np.ndarray
    mean: list[float]
    std: list[float]


def channel_stats(images: np.ndarray) -> tuple[list[float], list[float]]:
    """src/engine/data/normalize.ts: exact, from the 256-bin histogram of each channel."""
    mean, std = [], []
    for c in range(images.shape[-1]):
        hist = np.bincount(images[..., c].reshape(-1), minlength=256).astype(np.float64)
        cnt = s = sq = 0.0
        for v in range(256):
            h, x = hist[v], v / 255
            cnt += h
            s += h * x
            sq += h * x * x
        m = s / cnt if cnt else 0.0
        mean.append(m)
        std.append(max(math.sqrt(max(0.0, sq / (cnt or 1) - m * m)), 1e-3))
    return mean, std


def _read(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes()
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        return gzip.decompress(gz.read_bytes())
    raise FileNotFoundError(str(gz))


def _idx_images(path: Path) -> np.ndarray:
    b = _read(path)
    if int.from_bytes(b[0:4], "big") != 0x803:
        raise ValueError(f"{path}: not an IDX images file")
    n, h, w = (int.from_bytes(b[o:o + 4], "big") for o in (4, 8, 12))
    return np.frombuffer(b, dtype=np.uint8, offset=16).reshape(n, h, w, 1)


def _idx_labels(path: Path) -> np.ndarray:
    b = _read(path)
    if int.from_bytes(b[0:4], "big") != 0x801:
        raise ValueError(f"{path}: not an IDX labels file")
    return np.frombuffer(b, dtype=np.uint8, offset=8).astype(np.int64)


def _cifar_batches(paths: list[Path]) -> tuple[np.ndarray, np.ndarray]:
    raw = np.concatenate([np.frombuffer(p.read_bytes(), dtype=np.uint8).reshape(-1, 3073) for p in paths])
    return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), raw[:, 0].astype(np.int64)


def data_dirs(data_dir: str | None) -> list[Path]:
    """--data-dir, else the repository's data/ (npm run datasets), else ../shared/datasets: the
    CLI's order; an installed package (no repository around it) also looks in ./data."""
    if data_dir:
        return [Path(data_dir).resolve()]
    out = [REPO_ROOT / "data", Path.cwd() / "data"]
    shared = (REPO_ROOT / ".." / "shared" / "datasets").resolve()
    if shared.is_dir():
        out.append(shared)
    return out


def load_real(name: str, data_dir: str | None) -> Dataset:
    dirs = data_dirs(data_dir)
    folder = next((d / name for d in dirs if (d / name).exists()), dirs[0] / name)
    if not folder.exists():
        raise FileNotFoundError(f"no data folder for {name} in {', '.join(map(str, dirs))}: run `npm run datasets` or pass --data-dir")
    if name == "cifar10":
        train = sorted(folder.glob("data_batch_*.bin"))
        if not train:
            raise FileNotFoundError(f"{folder}: no data_batch_*.bin (run `npm run datasets`)")
        tx, ty = _cifar_batches(train)
        vx, vy = _cifar_batches([folder / "test_batch.bin"])
    else:
        vx, vy = _idx_images(folder / "t10k-images-idx3-ubyte"), _idx_labels(folder / "t10k-labels-idx1-ubyte")
        try:
            tx, ty = _idx_images(folder / "train-images-idx3-ubyte"), _idx_labels(folder / "train-labels-idx1-ubyte")
        except FileNotFoundError:
            if name != "mnist":
                raise
            cut = round(len(vx) * MNIST_TEST_SPLIT_TRAIN_FRACTION)  # the CLI splits MNIST's test set so too
            tx, ty, vx, vy = vx[:cut], vy[:cut], vx[cut:], vy[cut:]
    mean, std = channel_stats(tx)
    return Dataset(name, CLASS_NAMES[name], tx, ty, vx, vy, mean, std)


def load_synthetic(image_size: int, channels: int, seed: int) -> Dataset:
    cache = Path(os.environ.get("SPARSE_VIT_CACHE", Path.home() / ".cache" / "sparse_vit")) / f"synthetic-{image_size}-{channels}-{seed}.npz"
    if cache.exists():
        z = np.load(cache)
        tx, ty, vx, vy = z["tx"], z["ty"], z["vx"], z["vy"]
    else:
        tx, ty, vx, vy = synthetic_arrays(image_size, channels, seed)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.npz")
            np.savez(tmp, tx=tx, ty=ty, vx=vx, vy=vy)
            os.replace(tmp, cache)
        except OSError:
            pass  # a cache is a convenience
    mean, std = channel_stats(tx)
    return Dataset("synthetic", list(SYNTHETIC_CLASSES), tx, ty, vx, vy, mean, std)


def load_image_folder(root: str, image_size: int) -> Dataset:
    """ImageNet-style folders (root/train/<class>/*, root/val/<class>/*) through torchvision."""
    try:
        from torchvision import datasets, transforms
    except ImportError as e:
        raise SystemExit(f"--image-folder needs torchvision ({e}): install python3-torchvision") from e
    tf = transforms.Compose([transforms.Resize(image_size), transforms.CenterCrop(image_size)])

    def arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
        ds = datasets.ImageFolder(os.path.join(root, split), transform=tf)
        xs = np.stack([np.asarray(img.convert("RGB"), dtype=np.uint8) for img, _ in ds])
        return xs, np.array(ds.targets, dtype=np.int64)

    tx, ty = arrays("train")
    vx, vy = arrays("val")
    mean, std = channel_stats(tx)
    return Dataset(os.path.basename(root.rstrip("/")), datasets.ImageFolder(os.path.join(root, "train")).classes, tx, ty, vx, vy, mean, std)


def load_for_config(c: dict, data_dir: str | None = None, image_folder: str | None = None) -> Dataset:
    if image_folder:
        return load_image_folder(image_folder, c["imageSize"])
    if c["dataset"] == "synthetic":
        return load_synthetic(c["imageSize"], c["inChans"], c["seed"])
    return load_real(c["dataset"], data_dir)


def normalization_table(mean: list[float], std: list[float]) -> np.ndarray:
    """lut[c, v] = (v / 255 − mean[c]) / std[c] in float32, as the engine's table."""
    v = np.arange(256, dtype=np.float64) / 255
    return np.stack([((v - m) / s) for m, s in zip(mean, std)]).astype(np.float32)


def normalize(images: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """uint8 NHWC → float32 NCHW through the table."""
    out = np.empty(images.shape, dtype=np.float32)
    for c in range(images.shape[-1]):
        out[..., c] = lut[c][images[..., c]]
    return out.transpose(0, 3, 1, 2).copy()


def crop_padding(side: int) -> int:
    return math.floor(side / 8 + 0.5)


class Batcher:
    """src/engine/data/batch.ts Batcher: each epoch a permutation from the order stream, batches
    running across epoch boundaries, crop+flip from a separate stream. Every rank builds the same
    global batch; rank r takes its slice of it, so N processes see exactly one process's data."""

    def __init__(self, ds: Dataset, batch_size: int, rng: Rng, augment: bool, limit: int = 0) -> None:
        self.ds, self.batch_size, self.augment = ds, batch_size, augment
        self.count = min(limit, len(ds.train_x)) if limit else len(ds.train_x)
        self.order_rng, self.aug_rng = rng.fork(1), rng.fork(2)
        self.lut = normalization_table(ds.mean, ds.std)
        self.pad = crop_padding(min(ds.train_x.shape[1], ds.train_x.shape[2]))
        self.order: list[int] = []
        self.pos = 0
        self.epoch = 0

    def next_indices(self) -> list[int]:
        idx = []
        for _ in range(self.batch_size):
            if self.pos == len(self.order):
                self.order = self.order_rng.permutation(self.count)
                self.pos = 0
                self.epoch += 1
            idx.append(self.order[self.pos])
            self.pos += 1
        return idx

    def next(self) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The whole global batch: x float32 NCHW normalised, y int64, indices."""
        idx = self.next_indices()
        imgs = self.ds.train_x[idx]
        if self.augment:
            imgs = np.stack([self._crop_flip(im) for im in imgs])
        return normalize(imgs, self.lut), self.ds.train_y[idx], idx

    def _crop_flip(self, im: np.ndarray) -> np.ndarray:
        pad = self.pad
        dy = self.aug_rng.int(2 * pad + 1) - pad
        dx = self.aug_rng.int(2 * pad + 1) - pad
        flip = self.aug_rng.next() < 0.5
        h, w, _ = im.shape
        padded = np.zeros((h + 2 * pad, w + 2 * pad, im.shape[2]), dtype=np.uint8)
        padded[pad:pad + h, pad:pad + w] = im
        # out(y, x) = src(y + dy, x' + dx), x' = flip ? W−1−x : x, zero outside (augment.ts writeImage).
        cols = np.arange(w)
        cols = (w - 1 - cols) if flip else cols
        return padded[pad + dy:pad + dy + h][:, pad + dx + cols, :]

    def state(self) -> dict:
        return {"order": list(self.order), "pos": self.pos, "epoch": self.epoch,
                "orderRng": self.order_rng.state(), "augRng": self.aug_rng.state()}

    def set_state(self, s: dict) -> None:
        self.order, self.pos, self.epoch = list(s["order"]), s["pos"], s["epoch"]
        self.order_rng.set_state(s["orderRng"])
        self.aug_rng.set_state(s["augRng"])


def eval_batches(ds: Dataset, batch_size: int, limit: int = 0):
    lut = normalization_table(ds.mean, ds.std)
    count = min(limit, len(ds.test_x)) if limit else len(ds.test_x)
    for i in range(0, count, batch_size):
        j = min(i + batch_size, count)
        yield normalize(ds.test_x[i:j], lut), ds.test_y[i:j]
