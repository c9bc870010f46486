"""The models. Each takes physical units (model-io.v1.json) and normalises inside, so the exported graphs
need nothing but the contract's masks and zero-filling from the scorer."""

from __future__ import annotations

import torch
from torch import nn

from .contract import ModelIo

LOG_VAR_RANGE = (-7.0, 4.0)  # normalised units: std from 0.03 to 7.4 contract stds


class FrameEncoder(nn.Module):
    """A small CNN: [B, 3, S, S] RGB in [0, 1] -> [B, D] embedding."""

    def __init__(self, io: ModelIo, width: int = 32):
        super().__init__()
        self.register_buffer("pix_mean", torch.tensor(io.frame_mean).view(1, 3, 1, 1))
        self.register_buffer("pix_std", torch.tensor(io.frame_std).view(1, 3, 1, 1))
        w = width
        self.features = nn.Sequential(
            nn.Conv2d(3, w // 2, 5, stride=2, padding=2), nn.BatchNorm2d(w // 2), nn.ReLU(),
            nn.Conv2d(w // 2, w, 3, stride=2, padding=1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.Conv2d(2 * w, 2 * w, 3, stride=2, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
        )
        side = io.frame_size // 16
        self.head = nn.Linear(2 * w * side * side, io.embedding_dim)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        h = self.features((frames - self.pix_mean) / self.pix_std)
        return self.head(torch.flatten(h, 1))


class Projector(nn.Module):
    """VICReg's expander: used for the loss only, never exported."""

    def __init__(self, dim: int, hidden: int = 128):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, hidden))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class _Inputs(nn.Module):
    """Normalises actions, zero-fills absent values and flattens the history into one feature vector."""

    def __init__(self, io: ModelIo, use_video: bool, emb_proj: int):
        super().__init__()
        self.register_buffer("a_mean", torch.from_numpy(io.channel_mean).view(1, 1, -1))
        self.register_buffer("a_std", torch.from_numpy(io.channel_std).view(1, 1, -1))
        self.use_video = use_video
        self.proj = nn.Linear(io.embedding_dim, emb_proj) if use_video else None
        per_step = 2 * len(io.channels) + (emb_proj + 1 if use_video else 0)
        self.size = per_step * io.history

    def normalise(self, actions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return (actions - self.a_mean) / self.a_std * mask

    def forward(self, actions, action_mask, embeddings=None, embedding_mask=None) -> torch.Tensor:
        parts = [self.normalise(actions, action_mask), action_mask]
        if self.use_video:
            m = embedding_mask.unsqueeze(-1)
            parts += [self.proj(embeddings) * m, m]
        return torch.flatten(torch.cat(parts, dim=-1), 1)


class BehaviourMember(nn.Module):
    """One ensemble member: an MLP over the flattened history giving, per future step and channel, a mean
    (as a change from the last observed value) and a log-variance, in normalised units."""

    def __init__(self, io: ModelIo, use_video: bool, hidden: int = 96, emb_proj: int = 8):
        super().__init__()
        self.inputs = _Inputs(io, use_video, emb_proj)
        self.horizon, self.channels = io.horizon, len(io.channels)
        self.net = nn.Sequential(
            nn.Linear(self.inputs.size, hidden), nn.GELU(),
            nn.Linear(hidden, hidden), nn.GELU(),
            nn.Linear(hidden, 2 * io.horizon * self.channels),
        )

    def forward(self, actions, action_mask, embeddings=None, embedding_mask=None):
        x = self.inputs(actions, action_mask, embeddings, embedding_mask)
        out = self.net(x).view(-1, self.horizon, self.channels, 2)
        last = self.inputs.normalise(actions[:, -1:], action_mask[:, -1:])
        mean = last + out[..., 0]
        log_var = out[..., 1].clamp(*LOG_VAR_RANGE)
        return mean, log_var


class BehaviourEnsemble(nn.Module):
    """`size` independent members; forward returns [M, B, F, C] means and log-variances in normalised units."""

    def __init__(self, io: ModelIo, use_video: bool, size: int | None = None):
        super().__init__()
        self.use_video = use_video
        self.members = nn.ModuleList(BehaviourMember(io, use_video) for _ in range(size or io.ensemble_size))
        self.register_buffer("a_mean", torch.from_numpy(io.channel_mean))
        self.register_buffer("a_std", torch.from_numpy(io.channel_std))

    def forward(self, actions, action_mask, embeddings=None, embedding_mask=None):
        outs = [m(actions, action_mask, embeddings, embedding_mask) for m in self.members]
        return torch.stack([o[0] for o in outs]), torch.stack([o[1] for o in outs])

    def physical(self, actions, action_mask, embeddings=None, embedding_mask=None):
        """The exported outputs: means and log-variances in physical units."""
        mean, log_var = self(actions, action_mask, embeddings, embedding_mask)
        return mean * self.a_std + self.a_mean, log_var + 2 * torch.log(self.a_std)


class LatentPredictor(nn.Module):
    """Predicts the embedding latentAheadSteps after the last history step (a change from the last one seen)."""

    def __init__(self, io: ModelIo, hidden: int = 64):
        super().__init__()
        self.inputs = _Inputs(io, use_video=False, emb_proj=0)
        d = io.embedding_dim
        self.net = nn.Sequential(
            nn.Linear(self.inputs.size + io.history * (d + 1), hidden), nn.GELU(),
            nn.Linear(hidden, hidden), nn.GELU(),
            nn.Linear(hidden, d),
        )
        # starts as "the scene stays as it is" (copy the last embedding) and learns the change from there
        nn.init.zeros_(self.net[-1].weight)
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, embeddings, embedding_mask, actions, action_mask):
        m = embedding_mask.unsqueeze(-1)
        x = torch.cat([self.inputs(actions, action_mask), torch.flatten(torch.cat([embeddings * m, m], -1), 1)], 1)
        # the last embedding present (zeros if none): the step whose mask * index is the largest
        ranked = embedding_mask * torch.arange(1, embedding_mask.shape[1] + 1, dtype=embeddings.dtype)
        latest = (ranked == ranked.max(dim=1, keepdim=True).values).to(embeddings.dtype) * embedding_mask
        last = (embeddings * latest.unsqueeze(-1)).sum(1)
        return last + self.net(x)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
