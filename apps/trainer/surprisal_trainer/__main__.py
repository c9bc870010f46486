"""Entry point: `python -m surprisal_trainer`. Prints one JSON line saying what it is until the job lands."""

import json
import sys

from . import __version__


def main(argv: list[str]) -> int:
    if argv[:1] == ["health"] or not argv:
        print(json.dumps({"app": "trainer", "version": __version__, "status": "ok", "jobs": "not yet implemented"}))
        return 0
    print(f"surprisal-trainer: unknown command {argv[0]!r}; the training job is not built yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
