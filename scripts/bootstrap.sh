#!/usr/bin/env bash
# Set up everything the assistant needs on this machine. Safe to run again: each step is
# skipped when it is already done.
#   1. find Python 3.10          2. Debian packages (scripts/debian-packages.txt)
#   3. .venv with Python 3.10    4. Python packages (requirements.in + constraints.txt)
#   5. MiniLM's weights into var/minilm/ (once; the model's training reads them)
#   6. the Rasa model (models/assistant.tar.gz), trained when its inputs changed
#   7. Moonshine's weights unpacked into var/moonshine/ (once)
# Usage: bash scripts/bootstrap.sh [--force-train]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

FORCE_TRAIN=0
for arg in "$@"; do
  case "$arg" in
    --force-train) FORCE_TRAIN=1 ;;
    *) echo "Usage: bash scripts/bootstrap.sh [--force-train]" >&2; exit 2 ;;
  esac
done

VENV="$REPO/.venv"
LOG_DIR="$REPO/var/log"
MODEL="$REPO/models/assistant.tar.gz"
DEPS_STAMP="$VENV/.deps-stamp"
TRAIN_STAMP="$REPO/models/.train-stamp"
mkdir -p "$LOG_DIR"

say() { printf '==> %s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a long command with its output in a log file; show the log's tail if it fails.
run_logged() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "---- last 40 lines of $log ----" >&2
    # Progress bars redraw with carriage returns: show them as lines, and keep lines short.
    tr '\r' '\n' < "$log" | grep -v '^[[:space:]]*$' | tail -n 40 | cut -c1-400 >&2
    return 1
  fi
}

# ---- 1. Python 3.10 -------------------------------------------------------------------------
is_python310() {
  [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

find_python310() {
  local candidate roots=() root
  candidate="$(command -v python3.10 || true)"
  if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root 2>/dev/null || true)"); fi
  roots+=("${PYENV_ROOT:-}" "/root/.pyenv" "${HOME:-/root}/.pyenv")
  for root in "${roots[@]}"; do
    [ -n "$root" ] && [ -d "$root/versions" ] || continue
    # Newest 3.10.x first.
    while IFS= read -r candidate; do
      if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
    done < <(ls -d "$root"/versions/3.10.*/bin/python 2>/dev/null | sort -rV)
  done
  if command -v uv >/dev/null 2>&1; then
    candidate="$(uv python find 3.10 2>/dev/null || true)"
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! PYTHON310="$(find_python310)"; then
  cat >&2 <<'EOF'
ERROR: Python 3.10 was not found (Rasa 3.6 needs Python 3.8-3.10; this project uses 3.10).
Install one, then run this again. Either:
  pyenv install 3.10.13
or:
  uv python install 3.10
EOF
  exit 1
fi
say "Python 3.10: $PYTHON310"

# ---- 2. Debian packages ---------------------------------------------------------------------
packages=()
while IFS= read -r line || [ -n "$line" ]; do
  read -r pkg _ <<< "${line%%#*}" || true
  if [ -n "${pkg:-}" ]; then packages+=("$pkg"); fi
done < "$REPO/scripts/debian-packages.txt"

if [ "${#packages[@]}" -eq 0 ]; then
  say "Debian packages: none needed"
elif ! command -v dpkg >/dev/null 2>&1; then
  say "Debian packages: not a Debian system, make sure these are installed: ${packages[*]}"
else
  missing=()
  for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "Debian packages: all installed"
  elif [ "$(id -u)" -eq 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    run_logged "$LOG_DIR/apt.log" apt-get update \
      || fail "apt-get update failed (see $LOG_DIR/apt.log)"
    DEBIAN_FRONTEND=noninteractive run_logged "$LOG_DIR/apt.log" \
      apt-get install -y --no-install-recommends "${missing[@]}" \
      || fail "apt-get install failed (see $LOG_DIR/apt.log)"
  else
    fail "These Debian packages are missing: ${missing[*]}
Install them as root, then run this again:
  sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
fi

# ---- 3. The virtual environment -------------------------------------------------------------
if [ -x "$VENV/bin/python" ] && is_python310 "$VENV/bin/python"; then
  say "Virtual environment: .venv (Python 3.10)"
else
  if [ -e "$VENV" ]; then
    say "Virtual environment: .venv is not Python 3.10, making it again"
    rm -rf "$VENV"
  else
    say "Virtual environment: making .venv"
  fi
  "$PYTHON310" -m venv "$VENV"
fi

# ---- 4. Python packages ---------------------------------------------------------------------
deps_files=(requirements.in)
pip_args=(-r requirements.in)
if [ -f constraints.txt ]; then
  deps_files+=(constraints.txt)
  pip_args+=(-c constraints.txt)
fi
deps_hash="$(cat "${deps_files[@]}" | sha256sum | cut -d' ' -f1)"
if [ -f "$DEPS_STAMP" ] && [ "$(cat "$DEPS_STAMP")" = "$deps_hash" ]; then
  say "Python packages: up to date"
else
  say "Python packages: installing (the first time takes a few minutes; log: var/log/pip.log)"
  # --no-compile: Python compiles what it imports when it first imports it; compiling all of
  # TensorFlow and Rasa up front spends set-up time on modules that are never imported.
  PIP_DISABLE_PIP_VERSION_CHECK=1 run_logged "$LOG_DIR/pip.log" \
    "$VENV/bin/python" -m pip install --no-compile "${pip_args[@]}" \
    || fail "pip install failed (see $LOG_DIR/pip.log)"
  run_logged "$LOG_DIR/pip-check.log" "$VENV/bin/python" -m pip check \
    || fail "the installed packages do not fit together (see $LOG_DIR/pip-check.log)"
  echo "$deps_hash" > "$DEPS_STAMP"
  say "Python packages: installed"
fi

# ---- 5. The sentence encoder (ras_core/domain/sentence_encoder.py) ----------------------------
"$VENV/bin/python" scripts/prepare_sentence_encoder.py >/dev/null \
  || fail "MiniLM's weights could not be made ready (scripts/prepare_sentence_encoder.py)"
say "Sentence encoder: ready (var/minilm/)"

# ---- 6. The Rasa model ----------------------------------------------------------------------
for input in bot/rasa/domain bot/rasa/config.yml nlu_data; do
  [ -e "$input" ] || fail "$input is missing: the model can't be trained without it"
done
# One hash over the sorted list of input files and their contents. The pipeline's own
# components and the second opinion they train are inputs too: a model pickled by older code
# must not be loaded by newer.
train_hash="$(
  find bot/rasa/domain nlu_data bot/rasa/config.yml bot/rasa/components \
    ras_core/domain/safeguarding_second.py ras_core/domain/sentence_encoder.py \
    -type f -not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
)"
if [ "$FORCE_TRAIN" -eq 0 ] && [ -f "$MODEL" ] && [ -f "$TRAIN_STAMP" ] \
   && [ "$(cat "$TRAIN_STAMP")" = "$train_hash" ]; then
  say "Model: up to date ($MODEL)"
else
  say "Model: training (several minutes on 2 cores; log: var/log/train.log)"
  mkdir -p "$REPO/models"
  rm -f "$TRAIN_STAMP"
  export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
  export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
  started=$SECONDS
  run_logged "$LOG_DIR/train.log" "$VENV/bin/rasa" train \
    --domain bot/rasa/domain --config bot/rasa/config.yml --data nlu_data \
    --out models --fixed-model-name assistant \
    || fail "training failed (see $LOG_DIR/train.log)"
  [ -f "$MODEL" ] || fail "training finished but $MODEL is missing (see $LOG_DIR/train.log)"
  echo "$train_hash" > "$TRAIN_STAMP"
  say "Model: trained in $((SECONDS - started)) s ($MODEL)"
fi

# ---- 7. Moonshine's weights, unpacked once (accessibility/voice/moonshine_files.py) ------------
"$VENV/bin/python" -c "from accessibility.voice.moonshine_files import ready_folder; ready_folder()" \
  || fail "Moonshine's model could not be made ready"
say "Voice model: ready (var/moonshine/)"

say "Ready."
