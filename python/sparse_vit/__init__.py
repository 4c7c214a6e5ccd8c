"""Sparse ViT Studio's methods (SViTE, S²ViTE, SViTE+) on PyTorch DDP, driven by the studio's share link."""
from .io import load_model, read_safetensors

__all__ = ["load_model", "read_safetensors"]
