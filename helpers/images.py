"""Moving images around: integer shifts, rotations and zooms of image batches (chapter 03).

Chapter 03 uses them to test how a network copes with a digit that moved, turned or grew, and to
augment its training data; later chapters reuse them for shifted or rotated digits.
"""

import math

import torch
import torch.nn.functional as F


def shift(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Move every image of ``x`` (shape ``(B, C, H, W)``) down by ``dy`` and right by ``dx`` pixels.

    Pixels that leave the frame are lost; the ones that enter are zero (not wrapped around).
    """
    if x.ndim != 4:
        raise ValueError(f"x must have shape (B, C, H, W), got {tuple(x.shape)}")
    B, C, H, W = x.shape
    dy, dx = int(dy), int(dx)
    if abs(dy) >= H or abs(dx) >= W:
        return torch.zeros_like(x)
    out = torch.zeros_like(x)
    out[:, :, max(dy, 0) : H + min(dy, 0), max(dx, 0) : W + min(dx, 0)] = x[
        :, :, max(-dy, 0) : H + min(-dy, 0), max(-dx, 0) : W + min(-dx, 0)
    ]
    return out


def affine(x: torch.Tensor, degrees=0.0, scale=1.0, shift=None) -> torch.Tensor:
    """Rotate every image of ``x`` by ``degrees`` (counter-clockwise) and zoom it by ``scale`` about its centre.

    ``degrees`` and ``scale`` are numbers or tensors of shape ``(B,)`` (one per image). ``shift``,
    a tensor ``(B, 2)`` of ``(dy, dx)`` pixels (or one pair), then moves each image as :func:`shift`
    does, in the same pass. Values are interpolated bilinearly (an integer shift alone is exact up to
    rounding); whatever comes from outside the frame is zero.
    """
    if x.ndim != 4:
        raise ValueError(f"x must have shape (B, C, H, W), got {tuple(x.shape)}")
    B = x.shape[0]
    a = torch.as_tensor(degrees, dtype=x.dtype).expand(B) * (math.pi / 180)
    s = torch.as_tensor(scale, dtype=x.dtype).expand(B)
    if (s <= 0).any():
        raise ValueError("scale must be positive")
    cos, sin = torch.cos(a) / s, torch.sin(a) / s
    H, W = x.shape[-2:]
    if shift is None:
        ty = tx = torch.zeros_like(cos)
    else:
        d = torch.as_tensor(shift, dtype=x.dtype)
        if d.shape not in ((2,), (B, 2)):
            raise ValueError(
                f"shift must be one (dy, dx) pair or a tensor of shape ({B}, 2), got {tuple(d.shape)}"
            )
        d = d.expand(B, 2)
        ty, tx = -2 * d[:, 0] / H, -2 * d[:, 1] / W  # a pixel is 2 / H in grid units
    # theta maps output coordinates to input coordinates (y points down in image rows)
    theta = torch.stack(
        [torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1
    )  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(
        x, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )
