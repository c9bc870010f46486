"""Frame augmentations for the self-supervised encoder: random crops, colour jitter, blur, occlusion patches.

Every function takes a batch [B, 3, H, W] of floats in [0, 1] and a torch.Generator, so a seed fixes the
result. No horizontal flips: a mirrored road would pair a left curve with a right one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    min_crop_scale: float = 0.85  # smallest crop, as a fraction of the frame's area (smaller ones blur where the road goes)
    brightness: float = 0.4
    contrast: float = 0.4
    saturation: float = 0.4
    blur_p: float = 0.5
    blur_sigma: tuple[float, float] = (0.1, 1.5)
    occlusion_p: float = 0.5
    occlusion_size: tuple[float, float] = (0.1, 0.3)  # side, as a fraction of the frame's side


def _uniform(gen: torch.Generator, n: int, lo: float, hi: float) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=gen)


def random_resized_crop(x: torch.Tensor, gen: torch.Generator, min_scale: float) -> torch.Tensor:
    """A random crop of each frame (area in [min_scale, 1], aspect in [3/4, 4/3]) resized back to full size."""
    b = x.shape[0]
    area = _uniform(gen, b, min_scale, 1.0)
    log_aspect = _uniform(gen, b, float(torch.log(torch.tensor(3 / 4))), float(torch.log(torch.tensor(4 / 3))))
    aspect = torch.exp(log_aspect)
    sx = torch.sqrt(area * aspect).clamp(max=1.0)
    sy = torch.sqrt(area / aspect).clamp(max=1.0)
    cx = (1 - sx) * (2 * torch.rand(b, generator=gen) - 1)
    cy = (1 - sy) * (2 * torch.rand(b, generator=gen) - 1)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0], theta[:, 0, 2] = sx, cx
    theta[:, 1, 1], theta[:, 1, 2] = sy, cy
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def colour_jitter(x: torch.Tensor, gen: torch.Generator, brightness: float, contrast: float, saturation: float) -> torch.Tensor:
    b = x.shape[0]
    shape = (b, 1, 1, 1)
    x = x * _uniform(gen, b, 1 - brightness, 1 + brightness).view(shape)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * _uniform(gen, b, 1 - contrast, 1 + contrast).view(shape) + mean
    grey = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])
    x = (x - grey) * _uniform(gen, b, 1 - saturation, 1 + saturation).view(shape) + grey
    return x.clamp(0.0, 1.0)


def gaussian_blur(x: torch.Tensor, gen: torch.Generator, p: float, sigma: tuple[float, float], size: int = 5) -> torch.Tensor:
    """Blurs each frame with probability p, with its own sigma (a per-frame depthwise convolution)."""
    b, c, h, w = x.shape
    sig = _uniform(gen, b, *sigma)
    apply = torch.rand(b, generator=gen) < p
    r = torch.arange(size, dtype=x.dtype) - size // 2
    k1 = torch.exp(-(r[None, :] ** 2) / (2 * sig[:, None] ** 2))
    k1 = k1 / k1.sum(dim=1, keepdim=True)
    k2 = (k1[:, :, None] * k1[:, None, :]).repeat_interleave(c, dim=0).unsqueeze(1)  # [b*c, 1, size, size]
    padded = F.pad(x.reshape(1, b * c, h, w), [size // 2] * 4, mode="replicate")
    blurred = F.conv2d(padded, k2, groups=b * c).reshape(b, c, h, w)
    return torch.where(apply.view(b, 1, 1, 1), blurred, x)


def occlusion(x: torch.Tensor, gen: torch.Generator, p: float, size: tuple[float, float]) -> torch.Tensor:
    """With probability p, one rectangle per frame filled with a random grey."""
    b, _, h, w = x.shape
    apply = torch.rand(b, generator=gen) < p
    ph = (_uniform(gen, b, *size) * h).long().clamp(min=1)
    pw = (_uniform(gen, b, *size) * w).long().clamp(min=1)
    y0 = (torch.rand(b, generator=gen) * (h - ph + 1)).long()
    x0 = (torch.rand(b, generator=gen) * (w - pw + 1)).long()
    fill = torch.rand(b, generator=gen)
    rows = torch.arange(h).view(1, h, 1)
    cols = torch.arange(w).view(1, 1, w)
    inside = ((rows >= y0.view(b, 1, 1)) & (rows < (y0 + ph).view(b, 1, 1))
              & (cols >= x0.view(b, 1, 1)) & (cols < (x0 + pw).view(b, 1, 1)) & apply.view(b, 1, 1))
    return torch.where(inside.unsqueeze(1), fill.view(b, 1, 1, 1).expand_as(x), x)


def augment(x: torch.Tensor, gen: torch.Generator, cfg: AugmentConfig = AugmentConfig()) -> torch.Tensor:
    """One random view of each frame: crop, jitter, blur, occlusion, in that order."""
    x = random_resized_crop(x, gen, cfg.min_crop_scale)
    x = colour_jitter(x, gen, cfg.brightness, cfg.contrast, cfg.saturation)
    x = gaussian_blur(x, gen, cfg.blur_p, cfg.blur_sigma)
    return occlusion(x, gen, cfg.occlusion_p, cfg.occlusion_size)
