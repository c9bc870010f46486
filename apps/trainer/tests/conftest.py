from __future__ import annotations

from pathlib import Path

import pytest

from surprisal_trainer.contract import model_io
from surprisal_trainer.synth import SynthConfig, generate
from surprisal_trainer.train import TrainConfig

# A run small enough for a unit test: seconds on two cores.
TINY = TrainConfig(seed=7, device="cpu", encoder_epochs=1, encoder_batch=32, predictor_epochs=2,
                   latent_epochs=2, batch=32, train_stride=4, eval_stride=5)


@pytest.fixture(scope="session")
def io():
    return model_io()


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """4 drives of 10 s (3 train, 1 validation); drive 2 has no camera."""
    out = tmp_path_factory.mktemp("tiny")
    return generate(out, SynthConfig(drives=4, seconds=10.0, no_camera_every=3, clip_seconds=5.0, seed=3))


@pytest.fixture(scope="session")
def tiny_cfg() -> TrainConfig:
    return TINY
