"""Clip decoding through an ffmpeg subprocess (the static ffmpeg npm installs, or one on PATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np


def ffmpeg_path() -> str:
    override = os.environ.get("SURPRISAL_FFMPEG")
    if override:
        return override
    bundled = Path(__file__).resolve().parents[3] / "node_modules/@ffmpeg-installer/linux-x64/ffmpeg"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("ffmpeg")
    if found:
        return found
    raise RuntimeError("no ffmpeg: run `npm ci` (it installs @ffmpeg-installer/ffmpeg), install ffmpeg, or set SURPRISAL_FFMPEG")


def decode_frames(path: Path, size: int) -> np.ndarray:
    """Every frame of a clip, scaled whole to size x size, as uint8 [frames, size, size, 3] RGB."""
    cmd = [ffmpeg_path(), "-v", "error", "-i", str(path), "-an",
           "-vf", f"scale={size}:{size}:flags=bilinear", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ffmpeg could not decode {path}: {out.stderr.decode(errors='replace').strip()[-500:]}")
    return np.frombuffer(out.stdout, dtype=np.uint8).reshape(-1, size, size, 3)


def encode_frames(frames: np.ndarray, fps: float, path: Path) -> None:
    """Writes uint8 [frames, h, w, 3] RGB as H.264 MP4 (the simulator and the tests use this)."""
    n, h, w, _ = frames.shape
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [ffmpeg_path(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
           "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "10",
           "-pix_fmt", "yuv420p", "-threads", "1", str(path)]
    out = subprocess.run(cmd, input=np.ascontiguousarray(frames).tobytes(), capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ffmpeg could not encode {path}: {out.stderr.decode(errors='replace').strip()[-500:]}")
