#!/usr/bin/env bash
# Creates the trainer's Python environment and links it as .venv/trainer at the repository root (a link
# inside the git-ignored .venv/ folder: .gitignore's `.venv/` would not cover a link named .venv).
# Idempotent: the venv lives in a cache outside the repository, keyed by the hash of what pins it
# (apt-packages.txt, requirements.txt, this script), so CI clones and later sessions reuse it; on a
# fresh Debian machine (root, apt reachable) it builds everything from nothing.
#   SURPRISAL_CACHE   cache root (default ~/.cache/surprisal)
#   SURPRISAL_PYTHON  base interpreter (default /usr/bin/python3, Debian's, which sees python3-torch)
set -euo pipefail
trainer="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$trainer/../.." && pwd)"
cache="${SURPRISAL_CACHE:-$HOME/.cache/surprisal}"
python="${SURPRISAL_PYTHON:-/usr/bin/python3}"
log() { printf 'trainer-env: %s\n' "$*" >&2; }

missing=()
while read -r pin; do
  [[ -z "$pin" || "$pin" == \#* ]] && continue
  pkg="${pin%%=*}"
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pin")
done < "$trainer/apt-packages.txt"
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})"; exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    log "pinned versions unavailable; installing the distribution's current ones"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]%%=*}" >/dev/null
  fi
fi

key="$(cat "$trainer/apt-packages.txt" "$trainer/requirements.txt" "$0" | sha256sum | cut -c1-16)"
venv="$cache/trainer-venv-$key"
mkdir -p "$cache"
exec 9>"$cache/trainer-venv.lock"
flock 9  # one builder at a time (CI and a session may share the cache)
smoke() { "$venv/bin/python" -c 'import torch, onnx, onnxruntime, pyarrow, pytest' 2>/dev/null; }
# the cache may have been copied from another machine: reuse the venv only if it still imports
if [[ -f "$venv/.complete" ]] && ! smoke; then
  log "$venv no longer imports its packages; creating it again"
  rm -f "$venv/.complete"
fi
if [[ ! -f "$venv/.complete" ]]; then
  log "creating $venv"
  rm -rf "$venv"
  "$python" -m venv --system-site-packages "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$trainer/requirements.txt"
  smoke || { log "the new $venv cannot import torch, onnx, onnxruntime, pyarrow, pytest"; exit 1; }
  touch "$venv/.complete"
fi
exec 9>&-

[[ -L "$root/.venv" ]] && rm "$root/.venv"  # an earlier layout linked .venv itself
mkdir -p "$root/.venv"
ln -sfn "$venv" "$root/.venv/trainer"

# Video decoding: the static ffmpeg that npm installs (@ffmpeg-installer/ffmpeg), else one on PATH,
# else Debian's. surprisal_trainer.video looks in the same places (or SURPRISAL_FFMPEG).
ffmpeg="$root/node_modules/@ffmpeg-installer/linux-x64/ffmpeg"
if [[ -z "${SURPRISAL_FFMPEG:-}" && ! -x "$ffmpeg" ]] && ! command -v ffmpeg >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then log "no ffmpeg found (npm ci installs one; or apt-get install ffmpeg)"; exit 1; fi
  log "installing Debian's ffmpeg"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi
log "ready: $root/.venv/trainer -> $venv"
