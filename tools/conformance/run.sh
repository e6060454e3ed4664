#!/usr/bin/env bash
# Conformance: Huawei's official Python SDK (huaweicloudsdkfrs 3.1.219) against frs-emulator.
#
#   bash tools/conformance/run.sh          # from anywhere; extra arguments go to conformance.py (-v)
#
# 1. builds the emulator binary (cargo build -p frs-emulator --bin frs-emulator; honours
#    CARGO_TARGET_DIR and cargo's own target-dir settings: the binary's path comes from cargo);
# 2. creates a throw-away virtualenv in a temp directory and installs the fully pinned SDK set
#    from tools/record-official/requirements.txt (PyPI only), then `pip check`;
# 3. starts the emulator on 127.0.0.1 with a free port, an AK/SK pair and an IAM user, and
#    waits for its "frs-emulator listening on http://HOST:PORT (project ID)" line;
# 4. runs conformance.py against it (AK/SK-signed, as real users call FRS);
# 5. always stops the emulator (SIGTERM, then SIGKILL) and removes the temp directory.
#
# Exit status: conformance.py's (0 = all 35 SDK methods passed, 1 = some failed, 2 = could not
# reach the emulator); non-zero too when the build, the install or the start-up fails.
# Needs cargo, python3 (with venv) and access to PyPI.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$ROOT/tools/record-official/requirements.txt"

AK="CONFAK0000000000000001"
SK="conformance-sk"
IAM_USER="conformance-user:conformance-password:conformance-domain"
PROJECT_ID="c0f0a1b2c3d4e5f60718293a4b5c6d7e"
START_TIMEOUT_SECS="${FRS_CONFORMANCE_START_TIMEOUT:-60}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/frs-conformance.XXXXXX")"
EMU_PID=""

stop_emulator() {
  if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$EMU_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$EMU_PID" 2>/dev/null; then
      echo "conformance: the emulator did not stop on SIGTERM; killing it" >&2
      kill -KILL "$EMU_PID" 2>/dev/null || true
    fi
    wait "$EMU_PID" 2>/dev/null || true
  fi
  EMU_PID=""
}
cleanup() {
  local status=$?
  stop_emulator
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. the emulator binary -------------------------------------------------------------
echo "conformance: building frs-emulator"
cd "$ROOT"
# The JSON messages name the executable cargo produced (wherever the target dir is);
# compiler diagnostics still go to stderr in their usual form.
cargo build -p frs-emulator --bin frs-emulator --locked --message-format=json-render-diagnostics \
  > "$WORK/cargo-messages.json"
BIN="$("$PYTHON" - "$WORK/cargo-messages.json" <<'EOF'
import json, sys
exe = None
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
            and msg.get("target", {}).get("name") == "frs-emulator" and "bin" in msg["target"].get("kind", []):
        exe = msg["executable"]
print(exe or "")
EOF
)"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "conformance: cargo did not report the frs-emulator executable" >&2
  exit 1
fi
echo "conformance: emulator binary $BIN"

# --- 2. the official SDK in a throw-away venv ---------------------------------------------
echo "conformance: installing the pinned official SDK (huaweicloudsdkfrs 3.1.219) into a temp venv"
if ! "$PYTHON" -m venv "$WORK/venv"; then
  echo "conformance: '$PYTHON -m venv' failed; install Python's venv module (e.g. apt-get install python3-venv)" >&2
  exit 1
fi
VPY="$WORK/venv/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VPY" -m pip install --quiet -r "$REQUIREMENTS"
"$VPY" -m pip check

# --- 3. start the emulator ----------------------------------------------------------------
"$BIN" --host 127.0.0.1 --port 0 --project-id "$PROJECT_ID" \
  --access-key "$AK:$SK" --user "$IAM_USER" \
  > "$WORK/emulator.out" 2> "$WORK/emulator.err" &
EMU_PID=$!

ENDPOINT=""
deadline=$((SECONDS + START_TIMEOUT_SECS))
while (( SECONDS < deadline )); do
  first="$(head -n 1 "$WORK/emulator.out" 2>/dev/null || true)"
  if [[ "$first" =~ ^frs-emulator\ listening\ on\ (http://127\.0\.0\.1:[0-9]+)\ \(project\ ([^\)]+)\)$ ]]; then
    ENDPOINT="${BASH_REMATCH[1]}"
    if [[ "${BASH_REMATCH[2]}" != "$PROJECT_ID" ]]; then
      echo "conformance: the emulator serves project ${BASH_REMATCH[2]}, expected $PROJECT_ID" >&2
      exit 1
    fi
    break
  fi
  if ! kill -0 "$EMU_PID" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
if [[ -z "$ENDPOINT" ]]; then
  echo "conformance: the emulator did not print its listening line within ${START_TIMEOUT_SECS}s" >&2
  echo "--- emulator stdout ---" >&2; cat "$WORK/emulator.out" >&2 || true
  echo "--- emulator stderr ---" >&2; cat "$WORK/emulator.err" >&2 || true
  exit 1
fi
echo "conformance: emulator on $ENDPOINT (pid $EMU_PID)"

# --- 4. the official SDK against it -------------------------------------------------------
status=0
"$VPY" "$HERE/conformance.py" --endpoint "$ENDPOINT" --project-id "$PROJECT_ID" --ak "$AK" --sk "$SK" "$@" \
  || status=$?

if ! kill -0 "$EMU_PID" 2>/dev/null; then
  echo "conformance: the emulator exited during the run" >&2
  cat "$WORK/emulator.err" >&2 || true
  [[ $status -ne 0 ]] || status=1
elif [[ -s "$WORK/emulator.err" ]]; then
  echo "--- emulator stderr ---" >&2; cat "$WORK/emulator.err" >&2
fi
exit "$status"
