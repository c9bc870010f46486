import json

import numpy as np
import pytest

from surprisal_trainer.data import load_track, make_windows, read_action_samples, resample
from surprisal_trainer.manifest import load_manifest
from surprisal_trainer.synth import write_actions


def test_parquet_nulls_are_absent_not_zero(tmp_path):
    t = np.arange(0, 1000, 50, dtype=np.int64) + 1_700_000_000_000
    steering = np.linspace(-5, 5, t.size)
    write_actions(tmp_path / "a.parquet", t, {"speed": np.full(t.size, 10.0), "steering": steering, "accel": None})
    cols = read_action_samples(tmp_path / "a.parquet")
    assert np.isnan(cols["accel"]).all() and np.isnan(cols["lat"]).all()
    assert np.allclose(cols["steering"], steering) and cols["t"].dtype == np.float64


def test_resample_interpolates_and_marks_gaps_absent():
    t = np.array([0.0, 100, 200, 900, 1000])
    v = np.array([0.0, 1, 2, 9, np.nan])
    grid = np.arange(0.0, 1200, 100)
    values, mask = resample(t, v, grid, max_gap_ms=250)
    # 300 is held from 200, 800 and 1000 from 900; 400..700 and 1100 are too far from a present sample
    assert mask.tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0]
    assert values[1] == pytest.approx(1.0) and values[4] == 0.0


def test_missing_clip_degrades_to_no_frames(tiny_dataset, io, tmp_path):
    raw = json.loads(tiny_dataset.read_text())
    with_clips = next(i for i in raw["items"] if i["clips"])
    with_clips["clips"].append({"uri": "clips/does-not-exist.mp4", "startT": with_clips["clips"][0]["startT"],
                                "endT": with_clips["clips"][0]["endT"], "fps": 10})
    path = tiny_dataset.parent / "manifest-missing-clip.json"
    path.write_text(json.dumps(raw))
    m = load_manifest(path)
    item = next(i for i in m.items if i.drive_id == with_clips["driveId"])
    track, warnings = load_track(item, m, io)
    assert len(warnings) == 1 and "does-not-exist" in warnings[0]
    assert track.frame_mask.sum() > 0 and track.frames.shape[1:] == (io.frame_size, io.frame_size, 3)


def test_tracks_and_windows_have_contract_shapes(tiny_dataset, io):
    m = load_manifest(tiny_dataset)
    tracks = [load_track(i, m, io)[0] for i in m.items]
    assert any(tr.frame_mask.sum() == 0 for tr in tracks) and any(tr.frame_mask.mean() > 0.9 for tr in tracks)
    w = make_windows(tracks, io, stride=5)
    H, F, C = io.history, io.horizon, len(io.channels)
    assert w.hist.shape[1:] == (H, C) and w.fut.shape[1:] == (F, C) and w.emb.shape[1:] == (H, io.embedding_dim)
    assert len(w) > 0 and set(w.drive) == {i.drive_id for i in m.items}


def test_a_missing_optional_column_is_absent_and_a_missing_required_one_is_an_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.array([1, 2, 3], pa.int64())
    pq.write_table(pa.table({"t": t, "speed": pa.array([1.0, 2.0, 3.0])}), tmp_path / "few.parquet")
    cols = read_action_samples(tmp_path / "few.parquet")
    assert np.isnan(cols["steering"]).all() and cols["speed"].tolist() == [1.0, 2.0, 3.0]
    pq.write_table(pa.table({"t": t, "steering": pa.array([1.0, 2.0, 3.0])}), tmp_path / "no-speed.parquet")
    with pytest.raises(ValueError, match="required column 'speed'"):
        read_action_samples(tmp_path / "no-speed.parquet")
