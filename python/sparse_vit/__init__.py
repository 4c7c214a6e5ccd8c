"""Sparse ViT Studio's methods (SViTE, S²ViTE, SViTE+) on PyTorch DDP, driven by the studio's share link.

`load_model` and `read_safetensors` are imported on first use, so the link decoder
(`sparse_vit.link`) runs without torch."""
__all__ = ["load_model", "read_safetensors"]


def __getattr__(name: str):
    if name in __all__:
        from . import io
        return getattr(io, name)
    raise AttributeError(f"module 'sparse_vit' has no attribute {name!r}")
