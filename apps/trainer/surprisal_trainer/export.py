"""ONNX export of each model under the names and shapes of model-io.v1.json, and the parity check."""

from __future__ import annotations

import hashlib
import io as _io
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from .contract import ModelIo
from .models import BehaviourEnsemble


class _VideoPredictor(nn.Module):
    def __init__(self, ens: BehaviourEnsemble):
        super().__init__()
        self.ens = ens

    def forward(self, embeddings, embeddingMask, actions, actionMask):  # noqa: N803 (contract names)
        return self.ens.physical(actions, actionMask, embeddings, embeddingMask)


class _ActionsOnlyPredictor(nn.Module):
    def __init__(self, ens: BehaviourEnsemble):
        super().__init__()
        self.ens = ens

    def forward(self, actions, actionMask):  # noqa: N803
        return self.ens.physical(actions, actionMask)


def example_inputs(io: ModelIo, model: str, batch: int = 2, seed: int = 0) -> dict[str, np.ndarray]:
    """Random inputs with the contract's names and shapes (batch for the symbolic dim), masks with some zeros."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for spec in io.raw["models"][model]["inputs"]:
        shape = [batch if d == "batch" else d for d in spec["shape"]]
        name = spec["name"]
        if name.endswith("Mask"):
            out[name] = (rng.random(shape) > 0.2).astype(np.float32)
        elif name == "frames":
            out[name] = rng.random(shape, dtype=np.float32)
        elif name == "actions":
            out[name] = (io.channel_mean + io.channel_std * rng.standard_normal(shape)).astype(np.float32)
        else:
            out[name] = rng.standard_normal(shape).astype(np.float32)
    for m, v in (("actionMask", "actions"), ("embeddingMask", "embeddings")):
        if m in out:
            mask = out[m] if out[m].ndim == out[v].ndim else out[m][..., None]
            out[v] = out[v] * mask
    return out


def _graph_for(model: str, module: nn.Module) -> nn.Module:
    if model == "predictor":
        return _VideoPredictor(module)
    if model == "predictorActionsOnly":
        return _ActionsOnlyPredictor(module)
    return module


def export_model(io: ModelIo, model: str, module: nn.Module, out_dir: Path) -> Path:
    graph = _graph_for(model, module).eval()
    inputs = io.names(model, "inputs")
    outputs = io.names(model, "outputs")
    example = example_inputs(io, model)
    dynamic: dict[str, dict[int, str]] = {}
    for direction in ("inputs", "outputs"):
        for spec in io.raw["models"][model][direction]:
            dynamic[spec["name"]] = {i: "batch" for i, d in enumerate(spec["shape"]) if d == "batch"}
    buf = _io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(graph, tuple(torch.from_numpy(example[n]) for n in inputs), buf,
                          input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=io.opset, do_constant_folding=True)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    path = out_dir / io.file_of(model)
    path.write_bytes(buf.getvalue())
    return path


def torch_outputs(io: ModelIo, model: str, module: nn.Module, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
    graph = _graph_for(model, module).eval()
    with torch.no_grad():
        out = graph(*(torch.from_numpy(feed[n]) for n in io.names(model, "inputs")))
    out = out if isinstance(out, tuple) else (out,)
    return [o.numpy() for o in out]


def session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def parity(io: ModelIo, model: str, module: nn.Module, path: Path, batch: int = 3) -> float:
    """Largest absolute difference between onnxruntime and PyTorch on random contract-shaped inputs."""
    feed = example_inputs(io, model, batch=batch, seed=1)
    expected = torch_outputs(io, model, module, feed)
    got = session(path).run(io.names(model, "outputs"), feed)
    return float(max(np.max(np.abs(e - g)) for e, g in zip(expected, got)))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_all(io: ModelIo, modules: dict[str, nn.Module], out_dir: Path) -> dict[str, dict]:
    """Exports every model given (encoder, predictor, predictorActionsOnly, latent); returns file facts."""
    facts: dict[str, dict] = {}
    for model, module in modules.items():
        path = export_model(io, model, module, out_dir)
        facts[model] = {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path),
                        "parityMaxAbsDiff": parity(io, model, module, path)}
    return facts

