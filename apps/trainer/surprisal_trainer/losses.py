"""Losses: masked Gaussian negative log-likelihood, VICReg, and the ensemble's moment matching."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

LOG_2PI = math.log(2 * math.pi)


def gaussian_nll_elements(mean: torch.Tensor, log_var: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """0.5 * (ln 2pi + ln var + (target - mean)^2 / var), element by element."""
    return 0.5 * (LOG_2PI + log_var + (target - mean) ** 2 * torch.exp(-log_var))


def masked_mean(values: torch.Tensor, mask: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean of `values` over elements with mask 1; `weight` ([N]) weights each window (dim 0)."""
    w = mask if weight is None else mask * weight.view(-1, *([1] * (mask.dim() - 1)))
    return (values * w).sum() / w.sum().clamp(min=1e-8)


def gaussian_nll(mean: torch.Tensor, log_var: torch.Tensor, target: torch.Tensor, mask: torch.Tensor,
                 weight: torch.Tensor | None = None) -> torch.Tensor:
    return masked_mean(gaussian_nll_elements(mean, log_var, target), mask, weight)


def window_nll(mean: torch.Tensor, var: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-window NLL ([N]): the mean over present elements, as model-io.v1.json's scoring.nll defines it."""
    nll = gaussian_nll_elements(mean, torch.log(var), target) * mask
    dims = tuple(range(1, mask.dim()))
    return nll.sum(dim=dims) / mask.sum(dim=dims).clamp(min=1)


def moment_match(means: torch.Tensor, log_vars: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One Gaussian per element from the members (dim 0): the mixture's mean and variance."""
    mu = means.mean(dim=0)
    var = (torch.exp(log_vars) + means ** 2).mean(dim=0) - mu ** 2
    return mu, var.clamp(min=1e-6)


def vicreg(z1: torch.Tensor, z2: torch.Tensor, inv_w: float = 25.0, var_w: float = 25.0, cov_w: float = 1.0,
           eps: float = 1e-4) -> tuple[torch.Tensor, dict[str, float]]:
    """VICReg (Bardes et al. 2022): invariance (MSE between views), variance (hinge on each dimension's std
    at 1), covariance (squared off-diagonal covariance / dim). Returns the weighted loss and the raw terms."""
    n, d = z1.shape
    inv = F.mse_loss(z1, z2)
    std1 = torch.sqrt(z1.var(dim=0) + eps)
    std2 = torch.sqrt(z2.var(dim=0) + eps)
    var = 0.5 * (F.relu(1 - std1).mean() + F.relu(1 - std2).mean())

    def off_diagonal_cov(z: torch.Tensor) -> torch.Tensor:
        zc = z - z.mean(dim=0)
        cov = (zc.T @ zc) / (n - 1)
        off = cov - torch.diag(torch.diag(cov))
        return (off ** 2).sum() / d

    cov = off_diagonal_cov(z1) + off_diagonal_cov(z2)
    loss = inv_w * inv + var_w * var + cov_w * cov
    return loss, {"invariance": float(inv), "variance": float(var), "covariance": float(cov)}
