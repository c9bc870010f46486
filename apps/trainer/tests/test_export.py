import numpy as np
import onnx
import pytest
import torch

from surprisal_trainer.export import example_inputs, export_all, session, torch_outputs
from surprisal_trainer.models import BehaviourEnsemble, FrameEncoder, LatentPredictor

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def exported(io, tmp_path_factory):
    torch.manual_seed(0)
    modules = {"encoder": FrameEncoder(io).eval(), "predictor": BehaviourEnsemble(io, True).eval(),
               "predictorActionsOnly": BehaviourEnsemble(io, False).eval(), "latent": LatentPredictor(io).eval()}
    out = tmp_path_factory.mktemp("onnx")
    return modules, out, export_all(io, modules, out)


def test_every_model_is_exported_under_its_contract_file_name(io, exported):
    _, out, facts = exported
    for model, spec in io.raw["models"].items():
        assert (out / spec["file"]).exists() and facts[model]["file"] == spec["file"]
        proto = onnx.load(str(out / spec["file"]))
        assert proto.opset_import[0].version == io.opset


def test_inputs_and_outputs_match_the_contract(io, exported):
    _, out, _ = exported
    for model, spec in io.raw["models"].items():
        sess = session(out / spec["file"])
        for got, want in ((sess.get_inputs(), spec["inputs"]), (sess.get_outputs(), spec["outputs"])):
            assert [t.name for t in got] == [t["name"] for t in want]
            for t, w in zip(got, want):
                assert t.type == "tensor(float)"
                assert [d if isinstance(d, int) else "batch" for d in t.shape] == w["shape"]


@pytest.mark.parametrize("batch", [1, 7])
def test_onnxruntime_matches_pytorch(io, exported, batch):
    modules, out, facts = exported
    for model, module in modules.items():
        assert facts[model]["parityMaxAbsDiff"] <= TOLERANCE
        feed = example_inputs(io, model, batch=batch, seed=batch)
        got = session(out / io.file_of(model)).run(io.names(model, "outputs"), feed)
        for g, e in zip(got, torch_outputs(io, model, module, feed)):
            assert g.shape == e.shape and g.shape[0 if model in ("encoder", "latent") else 1] == batch
            assert float(np.max(np.abs(g - e))) <= TOLERANCE


def test_predictor_outputs_members_first_in_physical_units(io, exported):
    _, out, _ = exported
    feed = example_inputs(io, "predictorActionsOnly", batch=4)
    mean, log_var = session(out / io.file_of("predictorActionsOnly")).run(["mean", "logVar"], feed)
    assert mean.shape == (io.ensemble_size, 4, io.horizon, len(io.channels))
    assert not np.allclose(mean[0], mean[1])  # members are independent
    # an untrained member predicts near the last observed value: speed stays in m/s, not normalised units
    speed = io.channels.index("speed")
    last = np.where(feed["actionMask"][:, -1, speed] > 0, feed["actions"][:, -1, speed], io.channel_mean[speed])
    assert np.abs(mean[:, :, 0, speed].mean(0) - last).max() < 2 * io.channel_std[speed]


def test_the_committed_default_model_follows_the_current_contract(io):
    """scripts/train-default-model.sh rebuilds it; a contract change without a rebuild fails here."""
    import json
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "default-model"
    assert json.loads((model / "model-io.json").read_text()) == io.raw
    metrics = json.loads((model / "metrics.json").read_text())
    for name, spec in io.raw["models"].items():
        sess = session(model / spec["file"])
        assert [t.name for t in sess.get_inputs()] == [t["name"] for t in spec["inputs"]]
        assert metrics["files"][name]["parityMaxAbsDiff"] <= TOLERANCE
        feed = example_inputs(io, name, batch=2)
        assert all(np.isfinite(o).all() for o in sess.run(None, feed))
