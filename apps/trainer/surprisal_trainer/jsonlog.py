"""Progress and metrics as JSON lines on stdout, so the engine can follow a job."""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def emit(event: str, **fields: Any) -> None:
    record = {"event": event, "at": round(time.time(), 3), **fields}
    sys.stdout.write(json.dumps(record, separators=(",", ":")) + "\n")
    sys.stdout.flush()
