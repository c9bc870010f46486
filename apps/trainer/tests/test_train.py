import json

import pytest

from surprisal_trainer.evaluate import evaluate, format_table
from surprisal_trainer.synth import SynthConfig, generate
from surprisal_trainer.train import pick_device, run_training


@pytest.fixture(scope="module")
def two_runs(tiny_dataset, tiny_cfg, tmp_path_factory):
    a, b = tmp_path_factory.mktemp("run-a"), tmp_path_factory.mktemp("run-b")
    return run_training(tiny_dataset, a, tiny_cfg), run_training(tiny_dataset, b, tiny_cfg), a, b


def test_a_seeded_run_on_cpu_is_deterministic(two_runs):
    ma, mb, a, b = two_runs
    for model, facts in ma["files"].items():
        assert facts["sha256"] == mb["files"][model]["sha256"], model
    assert ma["predictor"]["validationNll"] == mb["predictor"]["validationNll"]


def test_a_run_writes_models_metrics_manifest_and_contract(two_runs, tiny_dataset, io):
    metrics, _, out, _ = two_runs
    for spec in io.raw["models"].values():
        assert (out / spec["file"]).stat().st_size > 0
    assert json.loads((out / "metrics.json").read_text())["seed"] == 7
    assert json.loads((out / "manifest.json").read_text()) == json.loads(tiny_dataset.read_text())
    assert json.loads((out / "model-io.json").read_text()) == io.raw
    assert set(metrics["trainDrives"]).isdisjoint(metrics["validationDrives"])


def test_progress_and_metrics_are_json_lines(tiny_dataset, tiny_cfg, tmp_path, capsys):
    run_training(tiny_dataset, tmp_path, tiny_cfg)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    events = {line["event"] for line in lines}
    assert {"progress", "metrics"} <= events and lines[-1]["event"] == "metrics"
    assert {line["stage"] for line in lines if line["event"] == "progress"} >= {"encoder", "predictor", "predictorActionsOnly", "latent"}


def test_evaluation_compares_with_baselines_through_onnx(two_runs, tiny_dataset):
    _, _, out, _ = two_runs
    results = evaluate(tiny_dataset, out)
    for row in ("predictor", "predictorActionsOnly", "constantVelocity", "kinematic"):
        assert isinstance(results[row]["nll"], float) and results[row]["windows"] == results["windows"]
    assert "videoWindows" in results and "latent" in results
    assert "constantVelocity" in format_table(results)


def test_a_dataset_without_any_video_trains_and_evaluates(tmp_path, tiny_cfg):
    manifest = generate(tmp_path / "data", SynthConfig(drives=3, seconds=8.0, no_camera_every=1, seed=5))
    metrics = run_training(manifest, tmp_path / "model", tiny_cfg)
    assert metrics["encoder"]["frames"] == 0
    results = evaluate(manifest, tmp_path / "model")
    assert results["windowsWithVideo"] == 0 and results["predictor"]["nll"] == results["predictorActionsOnly"]["nll"]


def test_unknown_or_unavailable_devices_fail_clearly():
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")
    assert pick_device("cpu").type == "cpu"


def test_channel_dropout_masks_whole_channels_but_never_speed():
    import torch

    from surprisal_trainer.train import drop_channels

    mask = torch.ones(64, 20, 4)
    gen = torch.Generator().manual_seed(0)
    assert torch.equal(drop_channels(mask, 0.0, 0, gen), mask)
    dropped = drop_channels(mask, 1.0, 0, gen)
    assert bool((dropped[..., 0] == 1).all()) and bool((dropped[..., 1:] == 0).all())
    some = drop_channels(mask, 0.5, 0, gen)
    assert bool((some == some[:, :1]).all())  # a channel is dropped for the whole history or not at all
    assert 0 < float(some[..., 1:].mean()) < 1


def test_cut_history_drops_a_prefix_of_at_most_half_the_history():
    import torch

    from surprisal_trainer.train import cut_history

    gen = torch.Generator().manual_seed(0)
    mask = torch.ones(64, 20, 4)
    emb = torch.ones(64, 20)
    cut, cut_emb = cut_history(mask, emb, 1.0, gen)
    for b in range(64):
        present = cut[b, :, 0]
        k = int((present == 0).sum())
        assert 1 <= k <= 10
        assert torch.all(present[:k] == 0) and torch.all(present[k:] == 1)
        assert torch.all(cut[b] == present[:, None])
        assert torch.equal(cut_emb[b], present)
    same, same_emb = cut_history(mask, None, 0.0, gen)
    assert torch.equal(same, mask) and same_emb is None
