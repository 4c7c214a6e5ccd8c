"""Model files the rest of the project reads: safetensors under timm names, written by hand when
the safetensors package is absent (the format is a length, a JSON header and raw little-endian
data), with `cli export`'s metadata (src/engine/io/checkpoint.ts) plus class_token and
global_pool; and load_model(), which gives a PyTorch user a ready timm model."""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch

from .link import SPEC
from .rules import UNIT_PARAMS, unit_indices

CHECKPOINT_FORMAT = SPEC["engine"]["modelFileFormat"]  # src/engine/io/checkpoint.ts CHECKPOINT_FORMAT
DTYPES = {torch.float32: "F32", torch.uint8: "U8"}
NP_DTYPES = {"F32": np.float32, "U8": np.uint8, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def write_safetensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    header: dict = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        b = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    raw = Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        arr = np.frombuffer(raw[base + a:base + b], dtype=NP_DTYPES[h["dtype"]]).reshape(h["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, metadata


def pretrained_cfg(c: dict, mean: list[float], std: list[float], class_names: list[str]) -> dict:
    """src/engine/io/pretrained-cfg.ts pretrainedCfgJson, field for field."""
    return {"input_size": [c["inChans"], c["imageSize"], c["imageSize"]], "mean": mean, "std": std, "num_classes": c["numClasses"],
            "label_names": class_names, "interpolation": "bilinear", "crop_pct": 1}


def _keep(name: str, c: dict, heads: list[list[int]], neurons: list[list[int]]) -> tuple[int, list[int]] | None:
    """(PyTorch axis, kept indices) of a unit parameter (or its mask) in a compact file."""
    if not name.startswith("blocks."):
        return None
    b = int(name.split(".")[1])
    base = name[:-len(".mask")] if name.endswith(".mask") else name
    for p in UNIT_PARAMS:
        if base == f"blocks.{b}.{p.layer}.{p.kind}":
            return p.dim, unit_indices(p, heads[b] if p.unit == "head" else neurons[b], c)
    return None


def export_model(path: str | Path, model: torch.nn.Module, c: dict, data: dict, masks: dict[str, torch.Tensor] | None = None,
                 heads: list[list[int]] | None = None, neurons: list[list[int]] | None = None, compact: bool = False) -> None:
    from .model import mlp_hidden
    masks = masks or {}
    all_heads = heads or [list(range(c["numHeads"]))] * c["depth"]
    all_neurons = neurons or [list(range(mlp_hidden(c)))] * c["depth"]
    tensors: dict[str, torch.Tensor] = {}
    state = model.state_dict()
    bad = [n for n, t in state.items() if not torch.isfinite(t).all()]
    if bad:
        raise SystemExit(f"cannot export the model: {len(bad)} tensor(s) hold NaN or infinite values (the training diverged): {', '.join(bad[:8])}")
    items = list(state.items()) + [(n + ".mask", m.to(torch.uint8)) for n, m in masks.items()]  # floats first, masks after
    for name, t in items:
        k = _keep(name, c, all_heads, all_neurons) if compact else None
        tensors[name] = t.index_select(k[0], torch.tensor(k[1], dtype=torch.long)) if k else t
    metadata = {"format": CHECKPOINT_FORMAT, "config": json.dumps(c, separators=(",", ":"), ensure_ascii=False), "method": c["method"],
                "layout": "compact" if compact else "dense"}
    if heads is not None or compact:
        metadata["heads"] = json.dumps(all_heads, separators=(",", ":"))
    if neurons is not None or compact:
        metadata["neurons"] = json.dumps(all_neurons, separators=(",", ":"))
    metadata["pretrained_cfg"] = json.dumps(pretrained_cfg(c, data["mean"], data["std"], data["classNames"]), separators=(",", ":"), ensure_ascii=False)
    metadata["class_token"] = "true"
    metadata["global_pool"] = "token"
    write_safetensors(path, tensors, metadata)


def _timm_model(c: dict, heads: list[int], hidden: list[int]):
    """timm's VisionTransformer with each block's attention and MLP rebuilt at its own width, or None."""
    try:
        from timm.models.vision_transformer import VisionTransformer as TimmViT
    except ImportError:
        return None
    from .model import Attention, Mlp
    m = TimmViT(img_size=c["imageSize"], patch_size=c["patchSize"], in_chans=c["inChans"], num_classes=c["numClasses"],
                embed_dim=c["embedDim"], depth=c["depth"], num_heads=c["numHeads"], mlp_ratio=c["mlpRatio"], qkv_bias=True,
                class_token=True, global_pool="token")
    hd = c["embedDim"] // c["numHeads"]
    for i, blk in enumerate(m.blocks):
        if heads[i] != c["numHeads"]:
            blk.attn = Attention(c["embedDim"], heads[i], hd)
        if hidden[i] != blk.mlp.fc1.out_features:
            blk.mlp = Mlp(c["embedDim"], hidden[i])
    return m


def load_model(path: str | Path, prefer_timm: bool = True) -> torch.nn.Module:
    """A model file (dense or compact) as a ready model in eval mode: timm's VisionTransformer when
    timm is importable (compact blocks rebuilt at their widths), else this package's module with the
    same state-dict keys. `model.pretrained_cfg` holds input_size, mean, std and label_names."""
    from .link import SPEC, preset_config
    from .model import VisionTransformer, mlp_hidden, selector_on
    tensors, meta = read_safetensors(path)
    if "config" not in meta:
        raise ValueError(f"{path}: no 'config' metadata: not a Sparse ViT Studio model file")
    # Fields a file written before an option existed lacks take the spec's value for its preset.
    stored = json.loads(meta["config"])
    # stored-config.ts BEFORE_ADDED: a file written before the selector's centre prior had none.
    c = {**preset_config(stored.get("preset", SPEC["defaultPreset"])), "tokenPrior": 0, **stored}
    compact = meta.get("layout") == "compact"
    heads = [len(h) for h in json.loads(meta["heads"])] if compact else [c["numHeads"]] * c["depth"]
    hidden = [len(n) for n in json.loads(meta["neurons"])] if compact else [mlp_hidden(c)] * c["depth"]
    weights = {k: v for k, v in tensors.items() if not k.endswith(".mask")}
    with_selector = "token_selector.score.weight" in weights
    # timm's module keeps every patch: a file whose model keeps fewer (SViTE+, or its fixed centre
    # crop, which has no selector weights) runs on this package's module.
    model = _timm_model(c, heads, hidden) if prefer_timm and not with_selector and not selector_on(c) else None
    if model is None:
        model = VisionTransformer(c, heads, hidden, with_selector=with_selector)
    model.load_state_dict(weights, strict=True)
    cfg = json.loads(meta["pretrained_cfg"]) if "pretrained_cfg" in meta else {}
    model.pretrained_cfg = cfg
    model.sparse_vit_config = c
    return model.eval()
