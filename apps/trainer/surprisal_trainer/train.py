"""The training job: encoder (VICReg), behaviour ensembles (with video and actions-only), latent predictor,
ONNX export. Progress and metrics go to stdout as JSON lines (jsonlog.emit)."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .augment import AugmentConfig, augment
from .contract import ModelIo, model_io, schemas_dir
from .data import Track, Windows, load_track, make_windows
from .export import export_all
from .jsonlog import emit
from .losses import gaussian_nll, moment_match, vicreg, window_nll
from .manifest import Manifest, load_manifest
from .models import BehaviourEnsemble, FrameEncoder, LatentPredictor, Projector, count_parameters


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    device: str = "auto"
    encoder_epochs: int = 12
    encoder_batch: int = 128
    predictor_epochs: int = 40
    latent_epochs: int = 15
    latent_lr: float = 1e-3
    latent_weight_decay: float = 1e-2  # the latent predictor overfits a small fleet without it
    batch: int = 256
    lr: float = 2e-3
    weight_decay: float = 1e-4
    train_stride: int = 2  # grid steps between training windows (0.2 s)
    eval_stride: int = 5
    max_encoder_frames: int = 20000
    embedding_dropout: float = 0.15  # a window's frames all dropped, so the video predictor copes without them
    channel_dropout: float = 0.15  # a history channel (not speed) dropped, for vehicles that lack that signal
    history_cut: float = 0.1  # a window's first steps dropped, as the scorer sees them at a drive's start or after a gap


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda: no CUDA device is available to PyTorch (supported here: cpu, auto)")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {name!r}: use auto, cpu or cuda")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Bit-identical runs on CPU; on CUDA as far as its kernels allow (warns where one is not deterministic)."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _frames_tensor(frames: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 255.0


def train_encoder(frames: np.ndarray, io: ModelIo, cfg: TrainConfig, device: torch.device) -> tuple[FrameEncoder, dict]:
    """VICReg on two augmented views of each frame (uint8 [N, S, S, 3])."""
    gen = torch.Generator().manual_seed(cfg.seed)
    encoder = FrameEncoder(io).to(device)
    projector = Projector(io.embedding_dim).to(device)
    params = list(encoder.parameters()) + list(projector.parameters())
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=1e-4)
    if len(frames) > cfg.max_encoder_frames:
        frames = frames[torch.randperm(len(frames), generator=gen)[: cfg.max_encoder_frames].numpy()]
    terms: dict = {}
    batch = min(cfg.encoder_batch, len(frames))
    for epoch in range(cfg.encoder_epochs):
        order = torch.randperm(len(frames), generator=gen)
        total, steps = 0.0, 0
        for start in range(0, len(frames) - batch + 1, batch):
            x = _frames_tensor(frames[order[start:start + batch].numpy()])
            v1, v2 = augment(x, gen, AugmentConfig()).to(device), augment(x, gen, AugmentConfig()).to(device)
            loss, terms = vicreg(projector(encoder(v1)), projector(encoder(v2)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, steps = total + float(loss), steps + 1
        emit("progress", stage="encoder", epoch=epoch + 1, epochs=cfg.encoder_epochs, loss=round(total / max(steps, 1), 5),
             **{k: round(v, 5) for k, v in terms.items()})
    return encoder.eval(), {"frames": int(len(frames)), "finalLoss": round(total / max(steps, 1), 5), **terms}


@torch.no_grad()
def embed_tracks(encoder: FrameEncoder, tracks: list[Track], device: torch.device, batch: int = 512) -> None:
    encoder.eval()
    for tr in tracks:
        emb = np.zeros((tr.t.size, encoder.head.out_features), np.float32)
        idx = np.flatnonzero(tr.frame_mask)
        for start in range(0, idx.size, batch):
            sel = idx[start:start + batch]
            emb[sel] = encoder(_frames_tensor(tr.frames[sel]).to(device)).cpu().numpy()
        tr.embeddings = emb


def _tensors(w: Windows, device: torch.device) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(getattr(w, k)).to(device) for k in
            ("hist", "hist_mask", "fut", "fut_mask", "emb", "emb_mask", "ahead", "ahead_mask", "weight")}


def normalise(x: torch.Tensor, mask: torch.Tensor, io: ModelIo) -> torch.Tensor:
    mean = torch.from_numpy(io.channel_mean).to(x.device)
    std = torch.from_numpy(io.channel_std).to(x.device)
    return (x - mean) / std * mask


def ensemble_forward(model: BehaviourEnsemble, t: dict[str, torch.Tensor], idx: torch.Tensor, emb_mask=None, hist_mask=None):
    hist_mask = t["hist_mask"][idx] if hist_mask is None else hist_mask
    hist = t["hist"][idx] * hist_mask
    if model.use_video:
        return model(hist, hist_mask, t["emb"][idx], t["emb_mask"][idx] if emb_mask is None else emb_mask)
    return model(hist, hist_mask)


def drop_channels(mask: torch.Tensor, p: float, keep: int, gen: torch.Generator) -> torch.Tensor:
    """Masks whole history channels ([B, H, C]) with probability p each, never channel `keep` (speed)."""
    drop = torch.rand(mask.shape[0], 1, mask.shape[2], generator=gen) < p
    drop[..., keep] = False
    return mask * (~drop).to(mask.dtype).to(mask.device)


def cut_history(mask: torch.Tensor, emb_mask: torch.Tensor | None, p: float, gen: torch.Generator):
    """With probability p a window ([B, H, C]) loses its first k ∈ [1, H/2] history steps, every channel and frame:
    the scorer scores such windows (at least half the history present) at a drive's start and after a gap in logging,
    and a model that never saw one mispredicts there, which reads as surprise."""
    b, h = mask.shape[0], mask.shape[1]
    cut = torch.rand(b, generator=gen) < p
    k = torch.where(cut, torch.randint(1, h // 2 + 1, (b,), generator=gen), torch.zeros(b, dtype=torch.long))
    keep = (torch.arange(h)[None, :] >= k[:, None]).to(mask.dtype).to(mask.device)
    return mask * keep[..., None], None if emb_mask is None else emb_mask * keep


@torch.no_grad()
def validation_nll(model: BehaviourEnsemble, t: dict[str, torch.Tensor], io: ModelIo) -> float:
    model.eval()
    idx = torch.arange(t["hist"].shape[0], device=t["hist"].device)
    means, log_vars = ensemble_forward(model, t, idx)
    mu, var = moment_match(means, log_vars)
    nll = window_nll(mu, var, normalise(t["fut"], t["fut_mask"], io), t["fut_mask"])
    model.train()
    return float(nll.mean())


def train_ensemble(train: Windows, val: Windows, io: ModelIo, cfg: TrainConfig, device: torch.device,
                   use_video: bool, name: str) -> tuple[BehaviourEnsemble, dict]:
    """Members share batches but not initial weights, and each sees the windows with its own bootstrap
    (Poisson(1)) weights, so they disagree where data is thin."""
    gen = torch.Generator().manual_seed(cfg.seed + (1 if use_video else 2))
    torch.manual_seed(cfg.seed + (11 if use_video else 12))
    model = BehaviourEnsemble(io, use_video).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(cfg.predictor_epochs, 1))
    t, v = _tensors(train, device), _tensors(val, device)
    n, members = len(train), len(model.members)
    boot = torch.poisson(torch.ones(members, n), generator=gen).to(device)
    target = normalise(t["fut"], t["fut_mask"], io)
    batch = min(cfg.batch, n)
    history = []
    for epoch in range(cfg.predictor_epochs):
        order = torch.randperm(n, generator=gen).to(device)
        total, steps = 0.0, 0
        for start in range(0, n - batch + 1, batch):
            idx = order[start:start + batch]
            emb_mask = None
            if use_video:
                keep = (torch.rand(idx.numel(), generator=gen) >= cfg.embedding_dropout).float().to(device)
                emb_mask = t["emb_mask"][idx] * keep[:, None]
            hist_mask = drop_channels(t["hist_mask"][idx], cfg.channel_dropout, io.channels.index("speed"), gen)
            hist_mask, emb_mask = cut_history(hist_mask, emb_mask, cfg.history_cut, gen)
            means, log_vars = ensemble_forward(model, t, idx, emb_mask, hist_mask)
            loss = sum(gaussian_nll(means[m], log_vars[m], target[idx], t["fut_mask"][idx], t["weight"][idx] * boot[m, idx])
                       for m in range(members)) / members
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, steps = total + float(loss), steps + 1
        sched.step()
        val_nll = validation_nll(model, v, io) if len(val) else None
        history.append(val_nll)
        emit("progress", stage=name, epoch=epoch + 1, epochs=cfg.predictor_epochs,
             trainNll=round(total / max(steps, 1), 5), validationNll=None if val_nll is None else round(val_nll, 5))
    return model.eval(), {"windows": n, "validationNll": history[-1] if history else None,
                          "parameters": count_parameters(model)}


def train_latent(train: Windows, io: ModelIo, cfg: TrainConfig, device: torch.device) -> tuple[LatentPredictor, dict]:
    gen = torch.Generator().manual_seed(cfg.seed + 3)
    torch.manual_seed(cfg.seed + 13)
    model = LatentPredictor(io).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.latent_lr, weight_decay=cfg.latent_weight_decay)
    sel = np.flatnonzero((train.ahead_mask > 0) & (train.emb_mask.sum(1) > 0))
    t = _tensors(train.subset(sel), device)
    n = sel.size
    stats: dict = {"windows": int(n), "parameters": count_parameters(model)}
    if n == 0:
        return model.eval(), stats
    batch = min(cfg.batch, n)
    for epoch in range(cfg.latent_epochs):
        order = torch.randperm(n, generator=gen).to(device)
        total, steps = 0.0, 0
        for start in range(0, n - batch + 1, batch):
            idx = order[start:start + batch]
            pred = model(t["emb"][idx], t["emb_mask"][idx], t["hist"][idx], t["hist_mask"][idx])
            loss = ((pred - t["ahead"][idx]) ** 2).mean(dim=1).mul(t["weight"][idx]).sum() / t["weight"][idx].sum().clamp(min=1e-8)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, steps = total + float(loss), steps + 1
        emit("progress", stage="latent", epoch=epoch + 1, epochs=cfg.latent_epochs, trainMse=round(total / max(steps, 1), 6))
    stats["trainMse"] = round(total / max(steps, 1), 6)
    with torch.no_grad():
        pred = model(t["emb"], t["emb_mask"], t["hist"], t["hist_mask"])
        stats["trainMseAtEnd"] = round(float(((pred - t["ahead"]) ** 2).mean()), 6)
        stats["trainMseCopyLast"] = round(float(((t["emb"][:, -1] - t["ahead"]) ** 2).mean()), 6)
    return model.eval(), stats


def load_tracks(manifest: Manifest, io: ModelIo, split: str, with_video: bool = True) -> list[Track]:
    tracks = []
    for item in manifest.split(split):
        track, warnings = load_track(item, manifest, io, with_video)
        for w in warnings:
            emit("warning", message=w)
        tracks.append(track)
    return tracks


def run_training(manifest_path: Path, out_dir: Path, cfg: TrainConfig) -> dict:
    started = time.time()
    seed_everything(cfg.seed)
    io = model_io()
    device = pick_device(cfg.device)
    manifest = load_manifest(manifest_path)
    emit("progress", stage="load", items=len(manifest.items), trainDrives=len(manifest.drives("train")),
         validationDrives=len(manifest.drives("validation")), device=str(device))
    train_tracks = load_tracks(manifest, io, "train")
    val_tracks = load_tracks(manifest, io, "validation")
    frames = np.concatenate([tr.frames[tr.frame_mask > 0] for tr in train_tracks])
    emit("progress", stage="data", trainSteps=int(sum(tr.t.size for tr in train_tracks)), trainFrames=int(len(frames)))

    if len(frames) >= 2:
        encoder, enc_stats = train_encoder(frames, io, cfg, device)
    else:
        emit("warning", message="no frames in the train split: the encoder is exported untrained and the video predictor learns from actions only")
        torch.manual_seed(cfg.seed)
        encoder, enc_stats = FrameEncoder(io).to(device).eval(), {"frames": 0}
    del frames
    embed_tracks(encoder, train_tracks + val_tracks, device)
    train_w = make_windows(train_tracks, io, cfg.train_stride)
    val_w = make_windows(val_tracks, io, cfg.eval_stride)
    if len(train_w) == 0:
        raise RuntimeError("no training windows: drives must be longer than history + horizon with speed present")

    predictor, pred_stats = train_ensemble(train_w, val_w, io, cfg, device, use_video=True, name="predictor")
    actions_only, ao_stats = train_ensemble(train_w, val_w, io, cfg, device, use_video=False, name="predictorActionsOnly")
    latent, lat_stats = train_latent(train_w, io, cfg, device)

    out_dir.mkdir(parents=True, exist_ok=True)
    modules = {"encoder": encoder, "predictor": predictor, "predictorActionsOnly": actions_only, "latent": latent}
    for m in modules.values():
        m.to("cpu").eval()
    files = export_all(io, modules, out_dir)
    shutil.copyfile(schemas_dir() / "model-io.v1.json", out_dir / "model-io.json")
    (out_dir / "manifest.json").write_text(json.dumps(manifest.raw, indent=2) + "\n")
    metrics = {
        "seed": cfg.seed, "device": str(device), "config": asdict(cfg), "seconds": round(time.time() - started, 1),
        "torch": torch.__version__, "manifest": str(manifest_path),
        "trainDrives": sorted(manifest.drives("train")), "validationDrives": sorted(manifest.drives("validation")),
        "encoder": {**enc_stats, "parameters": count_parameters(encoder)},
        "predictor": pred_stats, "predictorActionsOnly": ao_stats, "latent": lat_stats, "files": files,
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    emit("metrics", **metrics)
    return metrics
