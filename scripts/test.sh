#!/usr/bin/env bash
# Every check, stopping at the first failure (the end-to-end tests and rasa test core run beside
# the other tests). Run after scripts/bootstrap.sh (`make test` does both). Each step prints one
# line with its time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
BIN="$REPO/.venv/bin"
[ -x "$BIN/python" ] || { echo "ERROR: no .venv: run bash scripts/bootstrap.sh first" >&2; exit 1; }

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p var/test-results

summary=()

# step NAME COMMAND...: run it, print its time, stop everything if it fails.
step() {
  local name="$1"; shift
  local started rc seconds
  printf '\n==> %s\n' "$name"
  started=$(date +%s%N)
  set +e
  "$@"
  rc=$?
  set -e
  seconds=$(awk -v ns="$(( $(date +%s%N) - started ))" 'BEGIN { printf "%.1f", ns / 1e9 }')
  if [ "$rc" -ne 0 ]; then
    printf '==> FAILED: %s (%s s, exit code %d)\n' "$name" "$seconds" "$rc" >&2
    exit "$rc"
  fi
  summary+=("$(printf '%-22s %7s s' "$name" "$seconds")")
  printf '==> ok: %s (%s s)\n' "$name" "$seconds"
}

step "ruff" "$BIN/ruff" check .
step "mypy" "$BIN/mypy"
step "rasa data validate" "$BIN/rasa" data validate \
  --domain bot/rasa/domain --data nlu_data --config bot/rasa/config.yml --fail-on-warnings
# Two things run beside the main pytest, each with its output kept in var/test-results/ and
# shown after it: the end-to-end tests (tests/e2e), which mostly wait on the servers they start,
# and the conversation tests. The cluster's tests run with the main pytest instead, so the two
# take about as long (on 2 cores: about 9 minutes together, against 12 one after the other).
# Conversation tests: Rasa predicts each step of the stories in tests/conversations.
# `rasa test core` does not call the action server: custom actions are only predicted, not run
# (the end-to-end tests in tests/e2e run them for real).
conversations() {
  "$BIN/rasa" test core --model models/assistant.tar.gz \
    --stories tests/conversations --fail-on-prediction-errors --out var/test-results \
    > var/test-results/core.log 2>&1
}
# Every end-to-end test file but the cluster's runs beside; the main run ignores exactly those
# files (so a new test file always runs in one of the two, and none in both).
beside=()
ignored=()
for file in tests/e2e/test_*.py; do
  [ "$file" = tests/e2e/test_cluster.py ] && continue
  beside+=("$file")
  ignored+=("--ignore=$file")
done
end_to_end() {
  "$BIN/python" -m pytest -p no:cacheprovider "${beside[@]}" > var/test-results/e2e.log 2>&1
}
conversations &
core_pid=$!
end_to_end &
e2e_pid=$!
trap 'kill "$core_pid" "$e2e_pid" 2>/dev/null || true' EXIT
step "pytest" "$BIN/python" -m pytest "${ignored[@]}"
e2e_result() {
  local rc=0
  wait "$e2e_pid" || rc=$?
  cat var/test-results/e2e.log
  return "$rc"
}
step "pytest e2e, beside" e2e_result
core_result() {
  local rc=0
  wait "$core_pid" || rc=$?
  if [ "$rc" -eq 0 ]; then
    grep -E "Evaluation Results|Correct:|Accuracy:" var/test-results/core.log
  else
    tr '\r' '\n' < var/test-results/core.log | tail -n 40
  fi
  return "$rc"
}
step "rasa test core" core_result
trap - EXIT

printf '\nAll steps passed:\n'
printf '  %s\n' "${summary[@]}"
