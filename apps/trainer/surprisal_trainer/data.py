"""From a manifest item to arrays on the model's time grid, and from those to training windows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .contract import ModelIo, action_columns
from .manifest import Item, Manifest
from .video import decode_frames


@dataclass
class Track:
    """One item resampled to the grid: actions [T, C] (physical units, 0 where absent), masks, frames."""

    item: Item
    t: np.ndarray  # [T] epoch ms
    actions: np.ndarray  # [T, C] float32
    action_mask: np.ndarray  # [T, C] float32
    frames: np.ndarray  # [T, S, S, 3] uint8 (zeros where absent)
    frame_mask: np.ndarray  # [T] float32
    embeddings: np.ndarray | None = None  # [T, D], filled in once an encoder exists


def read_action_samples(path: Path) -> dict[str, np.ndarray]:
    """The Parquet columns of action-samples.parquet.json as float64 arrays, NaN where null (signal absent)."""
    table = pq.read_table(path)
    present = set(table.column_names)
    out: dict[str, np.ndarray] = {}
    n = table.num_rows
    for col in action_columns():
        name = col["name"]
        if name not in present:
            if not col["nullable"]:
                raise ValueError(f"{path}: required column {name!r} is missing")
            out[name] = np.full(n, np.nan)
            continue
        values = table.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)  # nulls become NaN
        if not col["nullable"] and np.isnan(values).any():
            raise ValueError(f"{path}: column {name!r} must not be null")
        out[name] = values
    order = np.argsort(out["t"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def resample(t: np.ndarray, values: np.ndarray, grid: np.ndarray, max_gap_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Values on `grid` and their mask: linear interpolation between present samples at most max_gap_ms apart,
    else the nearest present sample if it is within max_gap_ms / 2, else absent (0 with mask 0)."""
    ok = ~np.isnan(values)
    tv, vv = t[ok], values[ok]
    if tv.size == 0:
        return np.zeros(grid.shape, np.float32), np.zeros(grid.shape, np.float32)
    nxt = np.clip(np.searchsorted(tv, grid, side="left"), 0, tv.size - 1)
    prv = np.clip(np.searchsorted(tv, grid, side="right") - 1, 0, tv.size - 1)
    bracketed = (tv[prv] <= grid) & (tv[nxt] >= grid) & (tv[nxt] - tv[prv] <= max_gap_ms)
    nearest = np.where(np.abs(tv[prv] - grid) <= np.abs(tv[nxt] - grid), prv, nxt)
    held = np.abs(tv[nearest] - grid) <= max_gap_ms / 2
    out = np.where(bracketed, np.interp(grid, tv, vv), vv[nearest])
    mask = bracketed | held
    return np.where(mask, out, 0.0).astype(np.float32), mask.astype(np.float32)


def load_track(item: Item, manifest: Manifest, io: ModelIo, with_video: bool = True) -> tuple[Track, list[str]]:
    """Reads an item; a clip that is missing or undecodable is reported in the returned warnings, not raised."""
    samples = read_action_samples(manifest.resolve(item.actions_uri))
    t = samples["t"]
    step = io.step_ms
    grid = np.arange(np.ceil(t[0] / step) * step, t[-1] + 1e-6, step)
    actions = np.zeros((grid.size, len(io.channels)), np.float32)
    mask = np.zeros_like(actions)
    for c, name in enumerate(io.channels):
        actions[:, c], mask[:, c] = resample(t, samples[name], grid, io.max_gap_ms)
    frames = np.zeros((grid.size, io.frame_size, io.frame_size, 3), np.uint8)
    frame_mask = np.zeros(grid.size, np.float32)
    warnings: list[str] = []
    if with_video:
        for clip in item.clips:
            try:
                decoded = decode_frames(manifest.resolve(clip.uri), io.frame_size)
            except (RuntimeError, OSError) as e:
                warnings.append(f"item {item.item_id}: clip {clip.uri} skipped ({e})")
                continue
            times = clip.start_t + np.arange(len(decoded)) * (1000.0 / clip.fps)
            if times.size == 0:
                continue
            nearest = np.clip(np.searchsorted(times, grid), 0, times.size - 1)
            prev = np.clip(nearest - 1, 0, times.size - 1)
            pick = np.where(np.abs(times[prev] - grid) < np.abs(times[nearest] - grid), prev, nearest)
            hit = np.abs(times[pick] - grid) <= io.frame_match_ms
            frames[hit] = decoded[pick[hit]]
            frame_mask[hit] = 1.0
    return Track(item, grid, actions, mask, frames, frame_mask), warnings


@dataclass
class Windows:
    """Training/evaluation windows: history and future on the grid, physical units, plus masks."""

    hist: np.ndarray  # [N, H, C]
    hist_mask: np.ndarray  # [N, H, C]
    fut: np.ndarray  # [N, F, C]
    fut_mask: np.ndarray  # [N, F, C]
    emb: np.ndarray  # [N, H, D]
    emb_mask: np.ndarray  # [N, H]
    ahead: np.ndarray  # [N, D] embedding latentAheadSteps after the last history step
    ahead_mask: np.ndarray  # [N]
    weight: np.ndarray  # [N]
    drive: np.ndarray  # [N] drive ids (str)

    def __len__(self) -> int:
        return int(self.hist.shape[0])

    def subset(self, idx: np.ndarray) -> "Windows":
        return Windows(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))


def make_windows(tracks: list[Track], io: ModelIo, stride: int) -> Windows:
    H, F, A, D = io.history, io.horizon, io.latent_ahead, io.embedding_dim
    parts: dict[str, list[np.ndarray]] = {f: [] for f in Windows.__dataclass_fields__}
    speed = io.channels.index("speed")
    for tr in tracks:
        T = tr.t.size
        emb = tr.embeddings if tr.embeddings is not None else np.zeros((T, D), np.float32)
        for i in range(H, T - F + 1, stride):
            fm = tr.action_mask[i:i + F]
            if tr.action_mask[i - 1, speed] == 0 or fm.sum() == 0:
                continue
            a = i - 1 + A
            parts["hist"].append(tr.actions[i - H:i])
            parts["hist_mask"].append(tr.action_mask[i - H:i])
            parts["fut"].append(tr.actions[i:i + F])
            parts["fut_mask"].append(fm)
            parts["emb"].append(emb[i - H:i])
            parts["emb_mask"].append(tr.frame_mask[i - H:i])
            parts["ahead"].append(emb[a])
            parts["ahead_mask"].append(np.float32(tr.frame_mask[a]))
            parts["weight"].append(np.float32(tr.item.weight))
            parts["drive"].append(tr.item.drive_id)
    if not parts["hist"]:
        C = len(io.channels)
        z = np.zeros
        return Windows(z((0, H, C), np.float32), z((0, H, C), np.float32), z((0, F, C), np.float32),
                       z((0, F, C), np.float32), z((0, H, D), np.float32), z((0, H), np.float32),
                       z((0, D), np.float32), z(0, np.float32), z(0, np.float32), np.array([], dtype=str))
    return Windows(*(np.stack(parts[f]) if f != "drive" else np.array(parts[f]) for f in Windows.__dataclass_fields__))
