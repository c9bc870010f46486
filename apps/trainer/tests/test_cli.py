import json

from surprisal_trainer.__main__ import main


def test_a_bad_manifest_exits_65_with_a_json_error_line(tmp_path, capsys):
    bad = tmp_path / "manifest.json"
    bad.write_text(json.dumps({"version": 1, "items": [{"driveId": "d1", "split": "train"}]}))
    assert main(["train", "--manifest", str(bad), "--out", str(tmp_path / "out")]) == 65
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["event"] == "error" and line["code"] == "invalid_manifest"
    assert any("/items/0/vehicleId" in p for p in line["problems"])
    assert not (tmp_path / "out").exists()


def test_health_prints_one_json_line(capsys):
    assert main(["health"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["status"] == "ok" and "onnxruntime" in line


def test_synth_writes_a_dataset_the_trainer_reads(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--drives", "2", "--seconds", "5"]) == 0
    path = json.loads(capsys.readouterr().out)["manifest"]
    manifest = json.loads(open(path).read())
    assert {i["split"] for i in manifest["items"]} == {"train", "validation"}
