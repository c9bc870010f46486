"""Surprisal's training job (PyTorch): self-supervised frame encoder, behaviour predictor ensembles (with video
and actions-only), latent predictor; ONNX export under schemas/model-io.v1.json; held-out evaluation."""

__version__ = "0.1.0"
