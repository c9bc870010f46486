import json
from pathlib import Path

import pytest

from surprisal_trainer.manifest import ManifestError, load_manifest, parse_manifest, resolve_uri


def item(drive, split, **extra):
    return {"vehicleId": "v1", "driveId": drive, "split": split, "actionsUri": f"actions/{drive}.parquet", **extra}


def manifest(*items):
    return {"version": 1, "items": list(items)}


def test_reads_items_clips_weights_and_splits_by_drive(tmp_path):
    raw = manifest(
        item("d1", "train", weight=2.5, clips=[{"uri": "clips/a.mp4", "startT": 1000, "endT": 21000, "fps": 10}]),
        item("d1", "train", id="d1-second-segment"),
        item("d2", "validation"),
    )
    m = parse_manifest(raw, tmp_path)
    assert [i.weight for i in m.items] == [2.5, 1.0, 1.0]
    assert m.items[0].clips[0].fps == 10.0 and m.items[0].clips[0].camera == "front"
    assert m.drives("train") == {"d1"} and m.drives("validation") == {"d2"}
    assert m.drives("train").isdisjoint(m.drives("validation"))
    assert m.resolve(m.items[0].actions_uri) == tmp_path / "actions/d1.parquet"


def test_a_drive_in_both_splits_is_rejected_naming_the_drive(tmp_path):
    with pytest.raises(ManifestError) as e:
        parse_manifest(manifest(item("d1", "train"), item("d2", "validation"), item("d1", "validation")), tmp_path)
    assert any("'d1'" in p and "/items/2/split" in p and "one split only" in p for p in e.value.problems)


def test_every_problem_is_named_with_its_pointer(tmp_path):
    raw = {"version": 2, "items": [
        {"driveId": "d1", "split": "test", "actionsUri": "ftp://x/y", "weight": -1},
        item("d2", "validation", clips=[{"uri": "c.mp4", "startT": 5, "endT": 1, "fps": 10}]),
    ]}
    with pytest.raises(ManifestError) as e:
        parse_manifest(raw, tmp_path)
    text = "\n".join(e.value.problems)
    for expected in ("/version", "/items/0/vehicleId", "/items/0/split", "/items/0/actionsUri",
                     "/items/0/weight", "/items/1/clips/0"):
        assert expected in text
    assert "invalid dataset manifest" in str(e.value)


def test_both_splits_are_required(tmp_path):
    with pytest.raises(ManifestError, match="no item in split 'validation'"):
        parse_manifest(manifest(item("d1", "train")), tmp_path)


def test_empty_or_missing_or_malformed_files_are_rejected(tmp_path):
    with pytest.raises(ManifestError, match="/items"):
        parse_manifest({"version": 1, "items": []}, tmp_path)
    with pytest.raises(ManifestError, match="file not found"):
        load_manifest(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(ManifestError, match="not JSON"):
        load_manifest(bad)


def test_load_resolves_relative_to_the_manifest_folder(tmp_path):
    path = tmp_path / "ds" / "manifest.json"
    path.parent.mkdir()
    path.write_text(json.dumps(manifest(item("d1", "train"), item("d2", "validation"))))
    m = load_manifest(path)
    assert m.resolve("actions/d1.parquet") == path.parent / "actions/d1.parquet"


def test_uri_schemes():
    base = Path("/data")
    assert resolve_uri("file:///abs/x.parquet", base) == Path("/abs/x.parquet")
    assert resolve_uri("/abs/y.mp4", base) == Path("/abs/y.mp4")
    with pytest.raises(ManifestError, match="stage the dataset locally"):
        resolve_uri("s3://bucket/key.parquet", base)


def test_a_simulator_dataset_listing_is_split_by_drive(tmp_path):
    drives = [{"vehicleId": f"v{i % 3}", "driveId": f"d{i}", "startT": 0, "endT": 1, "actions": f"actions/v{i % 3}/d{i}.parquet"}
              for i in range(12)]
    clips = [{"vehicleId": "v0", "driveId": "d0", "clipId": "c0", "camera": "front", "path": "clips/v0/d0/c0.mp4",
              "startT": 0, "endT": 10_000, "fps": 10, "sha256": "0" * 64, "bytes": 1}]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"format": "surprisal-fleet-dataset", "generator": "surprisal-fleet-sim/1",
                                "drives": drives, "clips": clips}))
    m = load_manifest(path)
    assert len(m.items) == 12 and m.raw["version"] == 1
    assert m.drives("train") and m.drives("validation") and m.drives("train").isdisjoint(m.drives("validation"))
    d0 = next(i for i in m.items if i.drive_id == "d0")
    assert d0.clips[0].uri == "clips/v0/d0/c0.mp4" and d0.clips[0].fps == 10
    assert load_manifest(path).raw == m.raw  # the split is stable
