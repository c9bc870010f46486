"""The shared contracts the trainer reads from `schemas/`: the model I/O contract and the Parquet column contract."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


def schemas_dir() -> Path:
    """`schemas/` at the repository root, or SURPRISAL_SCHEMAS_DIR (a trainer image copies it elsewhere)."""
    override = os.environ.get("SURPRISAL_SCHEMAS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "schemas"


@dataclass(frozen=True)
class ModelIo:
    """model-io.v1.json, with the figures the code needs pulled out."""

    raw: dict
    sample_rate_hz: int
    history: int
    horizon: int
    latent_ahead: int
    max_gap_ms: float
    channels: tuple[str, ...]
    channel_mean: np.ndarray
    channel_std: np.ndarray
    frame_size: int
    frame_match_ms: float
    frame_mean: tuple[float, float, float]
    frame_std: tuple[float, float, float]
    embedding_dim: int
    ensemble_size: int
    opset: int

    @property
    def step_ms(self) -> float:
        return 1000.0 / self.sample_rate_hz

    def file_of(self, model: str) -> str:
        return self.raw["models"][model]["file"]

    def names(self, model: str, direction: str) -> list[str]:
        return [t["name"] for t in self.raw["models"][model][direction]]


@lru_cache(maxsize=None)
def model_io() -> ModelIo:
    raw = json.loads((schemas_dir() / "model-io.v1.json").read_text())
    frame = raw["frame"]
    if frame["width"] != frame["height"]:
        raise ValueError("model-io.v1.json: the encoder expects square frames")
    return ModelIo(
        raw=raw,
        sample_rate_hz=raw["sampleRateHz"],
        history=raw["historySteps"],
        horizon=raw["horizonSteps"],
        latent_ahead=raw["latentAheadSteps"],
        max_gap_ms=raw["maxGapMs"],
        channels=tuple(c["name"] for c in raw["actionChannels"]),
        channel_mean=np.array([c["mean"] for c in raw["actionChannels"]], dtype=np.float32),
        channel_std=np.array([c["std"] for c in raw["actionChannels"]], dtype=np.float32),
        frame_size=frame["width"],
        frame_match_ms=frame["frameMatchMs"],
        frame_mean=tuple(frame["meanInGraph"]),
        frame_std=tuple(frame["stdInGraph"]),
        embedding_dim=raw["embeddingDim"],
        ensemble_size=raw["ensembleSize"],
        opset=raw["opset"],
    )


@lru_cache(maxsize=None)
def action_columns() -> tuple[dict, ...]:
    """The columns of action-samples.parquet.json: name, Parquet type, nullable, unit."""
    return tuple(json.loads((schemas_dir() / "action-samples.parquet.json").read_text())["columns"])
