"""The dataset manifest (schemas/dataset-manifest.v1.schema.json): read, check, resolve URIs."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

SPLITS = ("train", "validation")
FLEET_DATASET_FORMAT = "surprisal-fleet-dataset"  # what `surprisal sim --to dir` writes (apps/fleet-sim)


class ManifestError(ValueError):
    """A manifest that cannot be used; `problems` names every one, each with its JSON pointer."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"invalid dataset manifest {source}:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Clip:
    uri: str
    start_t: int
    end_t: int
    fps: float
    camera: str = "front"


@dataclass(frozen=True)
class Item:
    """One segment of one drive: an action log and the clips that cover it."""

    item_id: str
    vehicle_id: str
    drive_id: str
    split: str
    weight: float
    actions_uri: str
    clips: tuple[Clip, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Manifest:
    raw: dict
    base: Path
    items: tuple[Item, ...]

    def split(self, name: str) -> list[Item]:
        return [i for i in self.items if i.split == name]

    def drives(self, split: str) -> set[str]:
        return {i.drive_id for i in self.items if i.split == split}

    def resolve(self, uri: str) -> Path:
        return resolve_uri(uri, self.base)


def resolve_uri(uri: str, base: Path) -> Path:
    """`file:///abs`, an absolute path, or a path relative to the manifest's folder. s3:// is not read yet."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "s3":
        raise ManifestError(uri, [f"{uri}: s3:// URIs are not read by the trainer yet; stage the dataset locally (file://)"])
    if parsed.scheme:
        raise ManifestError(uri, [f"{uri}: unsupported URI scheme {parsed.scheme!r} (file:// or a path)"])
    path = Path(uri)
    return path if path.is_absolute() else base / path


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _string(obj: dict, key: str, ptr: str, problems: list[str]) -> str:
    v = obj.get(key)
    if not isinstance(v, str) or not v:
        problems.append(f"{ptr}/{key}: required, a non-empty string")
        return ""
    return v


def _check_uri(uri: str, ptr: str, problems: list[str]) -> None:
    scheme = urlparse(uri).scheme
    if uri and scheme not in ("", "file", "s3"):
        problems.append(f"{ptr}: unsupported URI scheme {scheme!r} (file://, s3:// or a relative path)")


def parse_manifest(raw: object, base: Path, source: str = "<manifest>") -> Manifest:
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ManifestError(source, ["/: must be a JSON object"])
    if raw.get("version") != 1:
        problems.append(f"/version: must be 1 (got {raw.get('version')!r})")
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        raise ManifestError(source, problems + ["/items: required, a non-empty array"])

    items: list[Item] = []
    split_of_drive: dict[str, tuple[str, int]] = {}
    seen_ids: set[str] = set()
    for n, it in enumerate(items_raw):
        ptr = f"/items/{n}"
        if not isinstance(it, dict):
            problems.append(f"{ptr}: must be an object")
            continue
        vehicle = _string(it, "vehicleId", ptr, problems)
        drive = _string(it, "driveId", ptr, problems)
        actions = _string(it, "actionsUri", ptr, problems)
        _check_uri(actions, f"{ptr}/actionsUri", problems)
        split = it.get("split")
        if split not in SPLITS:
            problems.append(f"{ptr}/split: must be one of {', '.join(SPLITS)} (got {split!r})")
        weight = it.get("weight", 1.0)
        if not _is_number(weight) or weight < 0:
            problems.append(f"{ptr}/weight: must be a finite number >= 0 (got {weight!r})")
            weight = 0.0
        item_id = it.get("id", f"{drive}#{n}")
        if not isinstance(item_id, str) or item_id in seen_ids:
            problems.append(f"{ptr}/id: must be a unique string (got {item_id!r})")
        seen_ids.add(str(item_id))
        if drive and split in SPLITS:
            first = split_of_drive.setdefault(drive, (split, n))
            if first[0] != split:
                problems.append(
                    f"{ptr}/split: drive {drive!r} is in {split!r} here and in {first[0]!r} at /items/{first[1]}: "
                    "a drive must be in one split only"
                )
        clips: list[Clip] = []
        clips_raw = it.get("clips", [])
        if not isinstance(clips_raw, list):
            problems.append(f"{ptr}/clips: must be an array")
            clips_raw = []
        for k, c in enumerate(clips_raw):
            cptr = f"{ptr}/clips/{k}"
            if not isinstance(c, dict):
                problems.append(f"{cptr}: must be an object")
                continue
            uri = _string(c, "uri", cptr, problems)
            _check_uri(uri, f"{cptr}/uri", problems)
            start, end, fps = c.get("startT"), c.get("endT"), c.get("fps")
            if not (_is_number(start) and _is_number(end) and end > start):
                problems.append(f"{cptr}: startT and endT must be epoch ms with endT > startT")
                continue
            if not _is_number(fps) or fps <= 0:
                problems.append(f"{cptr}/fps: must be a number > 0")
                continue
            clips.append(Clip(uri=uri, start_t=int(start), end_t=int(end), fps=float(fps), camera=str(c.get("camera", "front"))))
        items.append(Item(str(item_id), vehicle, drive, str(split), float(weight), actions, tuple(clips)))

    if not problems:
        for split in SPLITS:
            if not any(i.split == split for i in items):
                problems.append(f"/items: no item in split {split!r}; the trainer needs both train and validation drives")
    if problems:
        raise ManifestError(source, problems)
    return Manifest(raw=raw, base=base, items=tuple(items))


def _drive_hash(drive_id: str) -> float:
    return int(hashlib.sha256(drive_id.encode()).hexdigest()[:12], 16) / float(16 ** 12)


def from_fleet_dataset(raw: dict, validation_fraction: float = 0.25) -> dict:
    """A dataset-manifest.v1 for a simulator dataset listing (drives + clips, no split): a drive goes to
    validation when the hash of its id falls under validation_fraction (stable as the dataset grows), with at
    least one drive in each split when there are two or more."""
    drives = [d for d in raw.get("drives", []) if isinstance(d, dict)]
    clips: dict[tuple[str, str], list[dict]] = {}
    for c in raw.get("clips", []):
        if isinstance(c, dict):
            clips.setdefault((c.get("vehicleId"), c.get("driveId")), []).append(
                {"uri": c.get("path"), "camera": c.get("camera", "front"), "startT": c.get("startT"),
                 "endT": c.get("endT"), "fps": c.get("fps")})
    ids = sorted({str(d.get("driveId")) for d in drives}, key=_drive_hash)
    validation = {i for i in ids if _drive_hash(i) < validation_fraction}
    if len(ids) >= 2 and not validation:
        validation = {ids[0]}
    if len(ids) >= 2 and validation == set(ids):
        validation.discard(ids[-1])
    items = [{"id": f"{d.get('vehicleId')}/{d.get('driveId')}", "vehicleId": d.get("vehicleId"), "driveId": d.get("driveId"),
              "split": "validation" if str(d.get("driveId")) in validation else "train", "weight": 1.0,
              "actionsUri": d.get("actions"), "clips": clips.get((d.get("vehicleId"), d.get("driveId")), [])}
             for d in drives]
    return {"version": 1, "name": str(raw.get("name", "fleet-dataset")), "source": str(raw.get("generator", FLEET_DATASET_FORMAT)),
            "items": items}


def load_manifest(path: str | Path) -> Manifest:
    """A dataset-manifest.v1 file, or a simulator dataset listing (converted by from_fleet_dataset)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise ManifestError(str(path), ["file not found"]) from None
    except json.JSONDecodeError as e:
        raise ManifestError(str(path), [f"not JSON: {e}"]) from None
    if isinstance(raw, dict) and raw.get("format") == FLEET_DATASET_FORMAT:
        raw = from_fleet_dataset(raw)
    return parse_manifest(raw, path.resolve().parent, str(path))
