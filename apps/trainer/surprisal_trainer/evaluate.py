"""Evaluation on held-out drives, through the exported ONNX files (as the scorer runs them): the learned
predictor, with and without video, against constant-velocity and kinematic baselines fitted in the same run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .contract import ModelIo, model_io, schemas_dir
from .data import Windows, make_windows
from .export import session
from .losses import moment_match, window_nll
from .manifest import load_manifest
from .train import load_tracks

HORIZONS_S = (0.5, 1.0, 2.0)
MAE_CHANNELS = ("steering", "speed", "accel")
DT = 0.1


def _normalise(x: np.ndarray, io: ModelIo) -> np.ndarray:
    return (x - io.channel_mean) / io.channel_std


def _slope(hist: np.ndarray, mask: np.ndarray, c: int, back: int = 5) -> np.ndarray:
    """Rate of change of channel c over the last `back` steps (0 where either end is absent)."""
    ok = mask[:, -1, c] * mask[:, -1 - back, c]
    return ok * (hist[:, -1, c] - hist[:, -1 - back, c]) / (back * DT)


def baseline_means(kind: str, w: Windows, io: ModelIo) -> np.ndarray:
    """Physical-unit means [N, F, C]. Absent last values fall back to the contract's channel means."""
    ch = {name: i for i, name in enumerate(io.channels)}
    last = np.where(w.hist_mask[:, -1] > 0, w.hist[:, -1], io.channel_mean)
    steps = (np.arange(io.horizon) + 1) * DT  # [F]
    out = np.repeat(last[:, None, :], io.horizon, axis=1)
    if kind == "constantVelocity":
        out[:, :, ch["accel"]] = 0.0
        return out
    # kinematic: constant acceleration (the logged one, else the speed's slope), linear steering and yaw rate
    s, a = ch["speed"], ch["accel"]
    accel = np.where(w.hist_mask[:, -1, a] > 0, w.hist[:, -1, a], _slope(w.hist, w.hist_mask, s))
    out[:, :, s] = np.maximum(0.0, last[:, None, s] + accel[:, None] * steps)
    out[:, :, a] = accel[:, None]
    for name in ("steering", "yawRate"):
        c = ch[name]
        out[:, :, c] = last[:, None, c] + _slope(w.hist, w.hist_mask, c)[:, None] * steps
    return out


def fit_variance(kind: str, w: Windows, io: ModelIo) -> np.ndarray:
    """Per (step, channel) variance of the baseline's normalised residuals on the training windows [F, C]."""
    resid = (_normalise(w.fut, io) - _normalise(baseline_means(kind, w, io), io)) * w.fut_mask
    return np.maximum((resid ** 2).sum(0) / np.maximum(w.fut_mask.sum(0), 1), 1e-4)


def _metrics(mu_n: np.ndarray, var_n: np.ndarray, w: Windows, io: ModelIo) -> dict:
    """NLL (mean per window), MAE per channel and horizon (physical units), 95% interval coverage."""
    target = _normalise(w.fut, io) * w.fut_mask
    mu_t, var_t, target_t, mask_t = (torch.from_numpy(a).double() for a in (mu_n, var_n, target, w.fut_mask))
    nll = window_nll(mu_t, var_t, target_t, mask_t).numpy()
    nll_at = {}
    for h in HORIZONS_S:
        j = int(round(h / DT)) - 1
        nll_at[f"{h:g}s"] = round(float(window_nll(mu_t[:, j], var_t[:, j], target_t[:, j], mask_t[:, j]).mean()), 4)
    err = np.abs(mu_n - _normalise(w.fut, io)) * io.channel_std
    inside = (np.abs(mu_n - _normalise(w.fut, io)) <= 1.96 * np.sqrt(var_n)) * w.fut_mask
    mae = {}
    for name in MAE_CHANNELS:
        c = io.channels.index(name)
        for h in HORIZONS_S:
            j = int(round(h / DT)) - 1
            m = w.fut_mask[:, j, c] > 0
            mae[f"{name}@{h:g}s"] = round(float(err[m, j, c].mean()), 4) if m.any() else None
    return {"nll": round(float(nll.mean()), 4), "nllMedian": round(float(np.median(nll)), 4), "nllAt": nll_at, "mae": mae,
            "coverage95": round(float(inside.sum() / max(w.fut_mask.sum(), 1)), 4), "windows": len(w)}


def _ensemble(sess, io: ModelIo, model: str, w: Windows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    feed = {"actions": w.hist.astype(np.float32), "actionMask": w.hist_mask.astype(np.float32)}
    if model == "predictor":
        feed |= {"embeddings": w.emb.astype(np.float32), "embeddingMask": w.emb_mask.astype(np.float32)}
    mean, log_var = sess.run(["mean", "logVar"], feed)
    std = io.channel_std
    mean_n = (mean - io.channel_mean) / std
    log_var_n = log_var - 2 * np.log(std)
    mu, var = moment_match(torch.from_numpy(mean_n).double(), torch.from_numpy(log_var_n).double())
    return mu.numpy(), var.numpy(), mean_n.var(axis=0)


def evaluate(manifest_path: Path, model_dir: Path) -> dict:
    io = model_io()
    built = json.loads((model_dir / "model-io.json").read_text()) if (model_dir / "model-io.json").exists() else None
    if built is not None and built != json.loads((schemas_dir() / "model-io.v1.json").read_text()):
        raise RuntimeError(f"{model_dir} was built against another model I/O contract than schemas/model-io.v1.json")
    manifest = load_manifest(manifest_path)
    train_w = make_windows(load_tracks(manifest, io, "train", with_video=False), io, 2)
    val_tracks = load_tracks(manifest, io, "validation")

    encoder = session(model_dir / io.file_of("encoder"))
    for tr in val_tracks:
        tr.embeddings = np.zeros((tr.t.size, io.embedding_dim), np.float32)
        idx = np.flatnonzero(tr.frame_mask)
        for start in range(0, idx.size, 256):
            sel = idx[start:start + 256]
            frames = tr.frames[sel].transpose(0, 3, 1, 2).astype(np.float32) / 255.0
            tr.embeddings[sel] = encoder.run(["embedding"], {"frames": frames})[0]
    val = make_windows(val_tracks, io, 5)
    if len(val) == 0:
        raise RuntimeError("no held-out windows: the validation drives are too short or lack speed")

    video_mu, video_var, video_dis = _ensemble(session(model_dir / io.file_of("predictor")), io, "predictor", val)
    ao_mu, ao_var, ao_dis = _ensemble(session(model_dir / io.file_of("predictorActionsOnly")), io, "predictorActionsOnly", val)
    has_video = val.emb_mask.sum(1) > 0
    # the contract's choice: the video predictor where the window has frames, else actions-only
    chosen_mu = np.where(has_video[:, None, None], video_mu, ao_mu)
    chosen_var = np.where(has_video[:, None, None], video_var, ao_var)

    rows: dict[str, tuple[np.ndarray, np.ndarray]] = {"predictor": (chosen_mu, chosen_var),
                                                       "predictorActionsOnly": (ao_mu, ao_var)}
    for kind in ("constantVelocity", "kinematic"):
        mu = _normalise(baseline_means(kind, val, io), io)
        rows[kind] = (mu, np.broadcast_to(fit_variance(kind, train_w, io), mu.shape).copy())

    results: dict = {name: _metrics(mu, var, val, io) for name, (mu, var) in rows.items()}
    vid = np.flatnonzero(has_video)
    if vid.size:
        sub = val.subset(vid)
        results["videoWindows"] = {name: _metrics(mu[vid], var[vid], sub, io) for name, (mu, var) in rows.items()}
        results["videoWindows"]["predictor"] = _metrics(video_mu[vid], video_var[vid], sub, io)
    fm = val.fut_mask
    results["disagreement"] = {
        "predictor": round(float((video_dis * fm).sum() / fm.sum()), 5),
        "predictorActionsOnly": round(float((ao_dis * fm).sum() / fm.sum()), 5),
    }
    sel = np.flatnonzero((val.ahead_mask > 0) & has_video)
    if sel.size:
        sub = val.subset(sel)
        pred = session(model_dir / io.file_of("latent")).run(["embeddingAhead"], {
            "embeddings": sub.emb, "embeddingMask": sub.emb_mask, "actions": sub.hist, "actionMask": sub.hist_mask})[0]
        results["latent"] = {"mse": round(float(((pred - sub.ahead) ** 2).mean()), 5),
                             "copyLastMse": round(float(((sub.emb[:, -1] - sub.ahead) ** 2).mean()), 5),
                             "windows": int(sel.size)}
    results["heldOutDrives"] = sorted(manifest.drives("validation"))
    results["windows"] = len(val)
    results["windowsWithVideo"] = int(has_video.sum())
    return results


def format_table(results: dict) -> str:
    nll_cols = [f"nll@{h:g}s" for h in HORIZONS_S]
    cols = ["nll", "nllMedian"] + nll_cols + ["coverage95"] + [f"{c}@{h:g}s" for c in MAE_CHANNELS for h in HORIZONS_S]
    lines = []

    def block(title: str, rows: dict) -> None:
        lines.append(f"{title}")
        lines.append("| model | windows | " + " | ".join(cols) + " |")
        lines.append("|---|---:|" + "---:|" * len(cols))
        for name in ("predictor", "predictorActionsOnly", "constantVelocity", "kinematic"):
            r = rows[name]
            vals = ([r["nll"], r["nllMedian"]] + [r["nllAt"][c[4:]] for c in nll_cols] + [r["coverage95"]]
                    + [r["mae"][c] for c in cols[3 + len(nll_cols):]])
            lines.append(f"| {name} | {r['windows']} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in vals) + " |")
        lines.append("")

    lines.append("nll: mean per held-out window (nats per present element, normalised units); nllMedian: its median")
    lines.append("(a few truly surprising windows can dominate the mean); nll@h: mean at horizon h only;")
    lines.append("coverage95: share of actual values inside the 95% interval; MAE at horizon h: steering deg, speed m/s, accel m/s².")
    block("All held-out windows (predictor = video where the window has frames, else actions-only):", results)
    if "videoWindows" in results:
        block("Held-out windows with video (predictor = with video):", results["videoWindows"])
    if "latent" in results:
        lat = results["latent"]
        lines.append(f"Latent predictor (1 s ahead): MSE {lat['mse']:.4f} vs copy-last {lat['copyLastMse']:.4f} over {lat['windows']} windows")
    lines.append(f"Ensemble disagreement: {results['disagreement']}")
    return "\n".join(lines)
