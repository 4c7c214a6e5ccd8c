"""Sparse ViT Studio's methods (SViTE, S²ViTE, SViTE+) on PyTorch DDP, driven by the studio's share link."""
__all__ = ["load_model", "read_safetensors"]


def __getattr__(name: str):
    # Imported on first use, so `python3 -m sparse_vit.link` (the link corpus test) needs no torch.
    if name in __all__:
        from . import io
        return getattr(io, name)
    raise AttributeError(name)
