"""Surprisal's training job (PyTorch). The models and the job arrive with the trainer issue."""

__version__ = "0.1.0"
