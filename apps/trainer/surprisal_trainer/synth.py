"""A small driving simulator for tests and the default model: physically consistent actions (20 Hz) and
first-person frames (10 fps H.264) of a road with curves and slow lead vehicles. The driver steers by a
preview of the road ahead and brakes for lead vehicles, both visible in the frames before they show in the
actions, so video carries information the action history does not.

Writes DIR/actions/<vehicleId>/<driveId>.parquet (columns of action-samples.parquet.json),
DIR/clips/<vehicleId>/<driveId>/<n>.mp4 and DIR/manifest.json (dataset-manifest.v1)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .contract import action_columns
from .video import encode_frames

DT = 0.05  # s, 20 Hz actions
FPS = 10
W, H = 128, 72
HORIZON_ROW, FOCAL, CAM_HEIGHT, HALF_ROAD = 20.0, 120.0, 2.0, 2.0
REACTION_S = 1.0  # the driver brakes for a lead vehicle this long after it comes into view
WHEELBASE, STEER_RATIO = 2.7, 15.0
T0 = 1_764_403_200_000  # epoch ms of the first drive


@dataclass(frozen=True)
class SynthConfig:
    drives: int = 12
    seconds: float = 60.0
    validation_fraction: float = 0.25
    no_camera_every: int = 6  # every n-th drive has no camera (actions only); 0 = all have one
    clip_seconds: float = 20.0
    seed: int = 0


def _road(rng: np.random.Generator, length: float, ds: float = 0.5) -> np.ndarray:
    """Curvature (1/m) every ds metres: straights and curves joined by linear ramps."""
    kappa: list[float] = []
    while len(kappa) * ds < length:
        kappa += [0.0] * int(rng.uniform(60, 200) / ds)
        k = rng.choice([-1, 1]) * rng.uniform(1 / 250, 1 / 50)
        ramp = int(20 / ds)
        kappa += list(np.linspace(0, k, ramp)) + [k] * int(rng.uniform(30, 120) / ds) + list(np.linspace(k, 0, ramp))
    return np.array(kappa[: int(length / ds) + 1])


def simulate_drive(rng: np.random.Generator, seconds: float) -> dict[str, np.ndarray]:
    """One drive: the driver's actions at 20 Hz plus what the camera needs (road, lead vehicle)."""
    n = int(seconds / DT)
    ds = 0.5
    kappa = _road(rng, 40.0 * seconds + 500, ds)
    limit = rng.uniform(13, 22)
    s, v, a, steer_noise, accel_noise = 0.0, rng.uniform(8, 15), 0.0, 0.0, 0.0
    lead_gap, lead_v, lead_since, lead_until = np.inf, 0.0, 0.0, -1.0
    next_lead = rng.exponential(15.0)
    out = {k: np.zeros(n) for k in ("t", "speed", "steering", "accel", "yawRate", "s", "lead_gap")}
    for i in range(n):
        t = i * DT
        if t >= next_lead and lead_gap == np.inf:
            lead_gap, lead_v, lead_since = rng.uniform(45, 60), rng.uniform(3, 9), t
            lead_until = t + rng.uniform(6, 12)
        if lead_gap < np.inf and t > lead_until:
            lead_gap, next_lead = np.inf, t + rng.exponential(15.0)
        k_here = kappa[min(int(s / ds), kappa.size - 1)]
        k_prev = kappa[min(int((s + max(v, 2) * 0.8) / ds), kappa.size - 1)]
        span = kappa[int(s / ds): int((s + max(v, 2) * 3.0) / ds) + 1]
        v_target = min(limit, np.sqrt(2.0 / max(np.abs(span).max(initial=0.0), 1e-4)))
        a_cmd = 0.6 * (v_target - v)
        if lead_gap < np.inf and t >= lead_since + REACTION_S:
            a_cmd = min(a_cmd, 0.25 * (lead_gap - (6 + 1.2 * v)) + 0.8 * (lead_v - v))
        accel_noise = 0.95 * accel_noise + rng.normal(0, 0.05)
        a += (np.clip(a_cmd, -6.0, 1.8) - a) * DT / 0.4
        a_out = a + accel_noise
        v = max(0.0, v + a_out * DT)
        steer_noise = 0.97 * steer_noise + rng.normal(0, 0.4)
        steering = STEER_RATIO * np.degrees(np.arctan(WHEELBASE * k_prev)) + steer_noise
        if lead_gap < np.inf:
            lead_gap = max(3.0, lead_gap + (lead_v - v) * DT)
        s += v * DT
        out["t"][i] = t
        out["speed"][i], out["accel"][i], out["steering"][i] = v, a_out, steering
        out["yawRate"][i] = v * k_here + rng.normal(0, 0.003)
        out["s"][i], out["lead_gap"][i] = s, lead_gap
    out["kappa"], out["ds"] = kappa, np.array(ds)
    out["lighting"] = np.array(rng.uniform(0.7, 1.2))
    return out


def render_frame(drive: dict[str, np.ndarray], i: int) -> np.ndarray:
    """The first-person view at sample i: sky, grass, the road bending ahead, a lead vehicle if any."""
    kappa, ds, s = drive["kappa"], float(drive["ds"]), drive["s"][i]
    rows = np.arange(H, dtype=np.float64) + 0.5
    img = np.empty((H, W, 3))
    img[:] = (0.45, 0.65, 0.95)
    ground = rows > HORIZON_ROW
    z = np.where(ground, FOCAL * CAM_HEIGHT / np.maximum(rows - HORIZON_ROW, 1e-3), np.inf)
    # lateral offset of the road centre at distance z: integral of heading change along the road
    j0 = int(s / ds)
    ahead = kappa[j0: j0 + int(120 / ds)]
    heading = np.cumsum(ahead) * ds
    lateral = np.cumsum(heading) * ds
    zi = np.clip((np.where(ground, z, 0) / ds).astype(int), 0, max(lateral.size - 1, 0))
    centre = W / 2 - FOCAL * lateral[zi] / np.where(ground, z, 1.0)  # positive curvature (left) moves the road left
    half = FOCAL * HALF_ROAD / np.where(ground, z, 1.0)
    cols = np.arange(W) + 0.5
    dist = np.abs(cols[None, :] - centre[:, None])
    g = ground[:, None]
    img[ground] = (0.3, 0.55, 0.25)
    road = g & (dist < half[:, None])
    img[road] = (0.42, 0.42, 0.45)
    edge = g & (np.abs(dist - half[:, None]) < np.maximum(0.06 * half[:, None], 0.5))
    img[edge] = (0.95, 0.95, 0.95)
    gap = drive["lead_gap"][i]
    if np.isfinite(gap) and gap > 2:
        bottom = HORIZON_ROW + FOCAL * CAM_HEIGHT / gap
        h, w = FOCAL * 2.5 / gap, FOCAL * 2.5 / gap
        zc = np.clip(int(gap / ds), 0, lateral.size - 1)
        cx = W / 2 - FOCAL * lateral[zc] / gap
        box = ((rows[:, None] > bottom - h) & (rows[:, None] < bottom)
               & (np.abs(cols[None, :] - cx) < w / 2))
        img[box] = (0.75, 0.1, 0.1)
    return (np.clip(img * drive["lighting"], 0, 1) * 255).astype(np.uint8)


def write_actions(path: Path, t_ms: np.ndarray, cols: dict[str, np.ndarray | None]) -> None:
    """Parquet with every column of the contract; a column given as None is all null."""
    types = {"INT64": pa.int64(), "DOUBLE": pa.float64(), "INT32": pa.int32()}
    arrays, fields = [], []
    for col in action_columns():
        name, typ = col["name"], types[col["type"]]
        data = t_ms if name == "t" else cols.get(name)
        arrays.append(pa.nulls(len(t_ms), typ) if data is None else pa.array(data, typ))
        fields.append(pa.field(name, typ, nullable=col["nullable"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path)


def generate(out: Path, cfg: SynthConfig = SynthConfig()) -> Path:
    """Writes a dataset and its manifest; returns the manifest's path."""
    rng = np.random.default_rng(cfg.seed)
    out.mkdir(parents=True, exist_ok=True)
    n_val = max(1, int(round(cfg.drives * cfg.validation_fraction)))
    items = []
    for d in range(cfg.drives):
        vehicle, drive_id = f"sim-{d % 4:02d}", f"drive-{d:03d}"
        sim = simulate_drive(rng, cfg.seconds)
        t_ms = T0 + d * 3_600_000 + np.round(sim["t"] * 1000).astype(np.int64)
        has_camera = not (cfg.no_camera_every and d % cfg.no_camera_every == cfg.no_camera_every - 1)
        actions_rel = f"actions/{vehicle}/{drive_id}.parquet"
        write_actions(out / actions_rel, t_ms, {
            "speed": sim["speed"], "steering": sim["steering"], "accel": sim["accel"], "yawRate": sim["yawRate"],
            "gas": np.clip(sim["accel"] / 2, 0, 1), "brake": np.clip(-sim["accel"] / 4, 0, 1),
            "turnSignal": np.zeros(len(t_ms), np.int32),
        })
        clips = []
        if has_camera:
            step = int(round(1 / (FPS * DT)))
            idx = np.arange(0, len(t_ms), step)
            per_clip = int(cfg.clip_seconds * FPS)
            for c, start in enumerate(range(0, len(idx), per_clip)):
                chunk = idx[start:start + per_clip]
                frames = np.stack([render_frame(sim, i) for i in chunk])
                rel = f"clips/{vehicle}/{drive_id}/{c:03d}.mp4"
                encode_frames(frames, FPS, out / rel)
                clips.append({"uri": rel, "camera": "front", "fps": FPS,
                              "startT": int(t_ms[chunk[0]]), "endT": int(t_ms[chunk[-1]] + 1000 // FPS)})
        items.append({"id": f"{drive_id}/0", "vehicleId": vehicle, "driveId": drive_id,
                      "split": "validation" if d >= cfg.drives - n_val else "train",
                      "weight": 1.0, "actionsUri": actions_rel, "clips": clips})
    manifest = {"version": 1, "name": f"synthetic-{cfg.drives}x{int(cfg.seconds)}s-seed{cfg.seed}",
                "source": "surprisal_trainer.synth", "items": items}
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path
