#!/usr/bin/env bash
# `cargo xtask bench-compare`: delete-face over keep-alive loopback HTTP, in one run on one
# machine — a loopback nginx answering delete-face as the service does, measured by
# `wrk -c1`/`-c32` (the limit), the official Python SDK (huaweicloudsdkfrs 3.1.219, in a
# throw-away venv from tools/record-official/requirements.txt), `frs bench` blocking at 1 and
# 8 threads and async at 1 and 32 tasks, ureq alone at 1 and 8 threads and reqwest and hyper
# alone at 32 tasks (no SDK code: `bare-clients/`), the core over hyper at 32 tasks (the example
# runtime `frs-conformance/examples/hyper_bench`); then the emulator itself under wrk with
# AK/SK-signed requests next to nginx. Writes docs/performance.md. Not run in CI.
#
# Needs cargo, python3 with venv, PyPI, and nginx + wrk (installed from Debian's packages
# with apt-get when missing). Knobs: BENCH_SECONDS (each wrk and Python run, default 3) and
# BENCH_ROUNDS (runs per figure, the best kept; default 3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SECS="${BENCH_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-3}"
AK="BENCHAK00000000000001"
SK="bench-secret-key"
PROJECT="b0f0a1b2c3d4e5f60718293a4b5c6d7e"
SET="bench"
IMAGE_ID="bench-image"
NGINX_PORT=18181
EMU_PORT=18182
WORK="$(mktemp -d "${TMPDIR:-/tmp}/frs-bench.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in nginx wrk; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-compare: installing $tool from Debian's packages"
    apt-get install -y "$tool" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$tool" >/dev/null; }
  fi
done

echo "bench-compare: building frs and frs-emulator (release)"
cd "$ROOT"
cargo build --release --locked -p frs-cli -p frs-emulator --bin frs --bin frs-emulator
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# ureq, reqwest and hyper with no SDK code: the ceiling of each HTTP stack (its own workspace).
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked --manifest-path "$HERE/bare-clients/Cargo.toml"
BARE="$TARGET/release/bare-clients"
# The core over hyper: the example runtime of frs-conformance under the same loop as `frs bench`.
cargo build --release --locked -p frs-conformance --example hyper_bench
HYPER_CORE="$TARGET/release/examples/hyper_bench"
FRS="$TARGET/release/frs"
EMU="$TARGET/release/frs-emulator"

# --- nginx answering delete-face ---------------------------------------------------------
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
error_log $WORK/nginx/logs/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location ~ ^/v2/[^/]+/face-sets/[^/]+/faces\$ {
      default_type application/json;
      add_header X-Request-Id "0f1e2d3c4b5a69788796a5b4c3d2e1f0" always;
      return 200 '{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "$SET"}';
    }
  }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)

"$EMU" --port "$EMU_PORT" --project-id "$PROJECT" --access-key "$AK:$SK" >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  python3 -c 'import socket, sys
for port in sys.argv[1:]: socket.create_connection(("127.0.0.1", int(port)), 1).close()' "$NGINX_PORT" "$EMU_PORT" 2>/dev/null && break
  sleep 0.1
done

PATH_Q="/v2/$PROJECT/face-sets/$SET/faces?external_image_id=$IMAGE_ID"
cat > "$WORK/delete.lua" <<'EOF'
wrk.method = "DELETE"
wrk.headers["Content-Type"] = "application/json"
EOF
# The machine may be shared: every figure is the best of $ROUNDS runs, so that another
# tenant's burst does not stand in for a client's cost.
best() { sort -g | tail -1; }
wrk_once() { # url lua connections threads -> requests/s
  wrk -t"$4" -c"$3" -d"${SECS}s" -s "$2" "$1" | tee -a "$WORK/wrk.log" | awk '/^Requests\/sec:/ {print $2}'
}
wrk_rate() { # url lua connections threads -> requests/s, the best of $ROUNDS runs
  for _ in $(seq 1 "$ROUNDS"); do wrk_once "$@"; done | best
}
echo "bench-compare: wrk against nginx"
WRK1=$(wrk_rate "http://127.0.0.1:$NGINX_PORT$PATH_Q" "$WORK/delete.lua" 1 1)
WRK32=$(wrk_rate "http://127.0.0.1:$NGINX_PORT$PATH_Q" "$WORK/delete.lua" 32 2)

# --- the official Python SDK -------------------------------------------------------------
echo "bench-compare: the official Python SDK in a venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet -r "$ROOT/tools/record-official/requirements.txt"
cat > "$WORK/official.py" <<'EOF'
import os, sys, tempfile, time
os.environ["HOME"] = tempfile.mkdtemp()  # the SDK writes an application id under ~
for k in list(os.environ):
    if k.lower().endswith("_proxy") or k.startswith("HUAWEICLOUD_"):
        del os.environ[k]
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkfrs.v2 import FrsClient
from huaweicloudsdkfrs.v2 import model as m
endpoint, ak, sk, project, face_set, image_id, secs = sys.argv[1:8]
client = FrsClient.new_builder().with_http_config(HttpConfig.get_default_config()) \
    .with_credentials(BasicCredentials(ak=ak, sk=sk, project_id=project)).with_endpoints([endpoint]).build()
req = m.DeleteFaceByExternalImageIdRequest(face_set_name=face_set, external_image_id=image_id)
client.delete_face_by_external_image_id(req)
n, start = 0, time.perf_counter()
while time.perf_counter() - start < float(secs):
    client.delete_face_by_external_image_id(req)
    n += 1
print("%.1f" % (n / (time.perf_counter() - start)))
EOF
PY=$(for _ in $(seq 1 "$ROUNDS"); do
  "$WORK/venv/bin/python" "$WORK/official.py" "http://127.0.0.1:$NGINX_PORT" "$AK" "$SK" "$PROJECT" "$SET" "$IMAGE_ID" "$SECS"
done | best)

# --- frs bench ---------------------------------------------------------------------------
export FRS_ENDPOINT="http://127.0.0.1:$NGINX_PORT" HUAWEICLOUD_SDK_AK="$AK" HUAWEICLOUD_SDK_SK="$SK" \
  HUAWEICLOUD_SDK_PROJECT_ID="$PROJECT"
# Each client run follows a wrk run at its concurrency, round by round: the VM's speed moves by
# half within seconds, so a client is compared with the limit measured just before it.
paired() { # connections threads command... -> {"wrk": best, "client": fastest JSON, "rounds": [[wrk, rps]...]}
  local connections=$1 threads=$2
  shift 2
  for _ in $(seq 1 "$ROUNDS"); do
    limit=$(wrk_once "http://127.0.0.1:$NGINX_PORT$PATH_Q" "$WORK/delete.lua" "$connections" "$threads")
    echo "$limit $("$@" | tee -a "$WORK/clients.log" | tr -d '\n')"
  done | python3 -c 'import json, sys
runs = [(float(w), json.loads(c)) for w, c in (line.split(" ", 1) for line in sys.stdin if line.strip())]
print(json.dumps({"wrk": max(w for w, _ in runs),
                  "client": max((c for _, c in runs), key=lambda c: c["requests_per_second"]),
                  "rounds": [[w, c["requests_per_second"]] for w, c in runs]}))'
}
frs_once() { # transport concurrency requests -> frs bench's JSON object
  "$FRS" bench delete-face --face-set "$SET" --external-image-id "$IMAGE_ID" \
    --transport "$1" --concurrency "$2" --requests "$3"
}
bare_once() { # stack concurrency requests -> bare-clients' JSON object
  "$BARE" "$1" "http://127.0.0.1:$NGINX_PORT$PATH_Q" "$3" "$2"
}
hyper_core_once() { # concurrency requests -> hyper_bench's JSON object
  "$HYPER_CORE" "$SET" "$IMAGE_ID" "$2" "$1"
}
echo "bench-compare: frs bench against nginx, each run after a wrk run"
B1=$(paired 1 1 frs_once blocking 1 40000)
B8=$(paired 32 2 frs_once blocking 8 60000)
A1=$(paired 1 1 frs_once async 1 30000)
A32=$(paired 32 2 frs_once async 32 60000)
echo "bench-compare: ureq, reqwest and hyper alone against nginx"
BARE_UREQ1=$(paired 1 1 bare_once ureq 1 40000)
BARE_UREQ8=$(paired 32 2 bare_once ureq 8 60000)
BARE_REQWEST=$(paired 32 2 bare_once reqwest 32 60000)
BARE_HYPER=$(paired 32 2 bare_once hyper 32 60000)
echo "bench-compare: the core over hyper (the example runtime) against nginx"
CORE_HYPER=$(paired 32 2 hyper_core_once 32 60000)

# --- the emulator, AK/SK on --------------------------------------------------------------
echo "bench-compare: wrk against the emulator (AK/SK-signed, a fixed pre-signed request)"
FRS_ENDPOINT="http://127.0.0.1:$EMU_PORT" "$FRS" face-set create "$SET" >/dev/null
DATE=$(date -u +%Y%m%dT%H%M%SZ)
SIGNED=$(printf '{"ak":"%s","sk":"%s","method":"DELETE","scheme":"http","host":"127.0.0.1:%s","path":"/v2/%s/face-sets/%s/faces","query":[["external_image_id","%s"]],"headers":[["Content-Type","application/json"],["X-Project-Id","%s"],["X-Sdk-Date","%s"]]}\n' \
  "$AK" "$SK" "$EMU_PORT" "$PROJECT" "$SET" "$IMAGE_ID" "$PROJECT" "$DATE" | "$FRS" --output json sign)
python3 - "$SIGNED" > "$WORK/signed.lua" <<'EOF'
import json, sys
signed = json.loads(sys.argv[1])
print('wrk.method = "DELETE"')
for name, value in signed["sent_headers"]:
    print('wrk.headers[%s] = %s' % (json.dumps(name), json.dumps(value)))
EOF
# nginx and the emulator in turn, round by round, so that both are measured in the same state
# of the machine (its speed moves by half within seconds on a shared VM): the ratio is the
# median of the rounds' own ratios.
EMU_ROUNDS="${BENCH_EMU_ROUNDS:-5}"
side_by_side() { # connections threads -> a JSON object: the best of each and every round
  for _ in $(seq 1 "$EMU_ROUNDS"); do
    echo "$(wrk_once "http://127.0.0.1:$NGINX_PORT$PATH_Q" "$WORK/delete.lua" "$1" "$2") \
$(wrk_once "http://127.0.0.1:$EMU_PORT$PATH_Q" "$WORK/signed.lua" "$1" "$2")"
  done | python3 -c 'import json, sys
rounds = [[float(x) for x in line.split()] for line in sys.stdin if line.strip()]
print(json.dumps({"nginx": max(r[0] for r in rounds), "emulator": max(r[1] for r in rounds), "rounds": rounds}))'
}
EMU1=$(side_by_side 1 1)
EMU32=$(side_by_side 32 2)
EMU_STATUS=$(python3 - "$SIGNED" "$EMU_PORT" "$PATH_Q" <<'EOF'
import http.client, json, sys
signed, port, path = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)
conn.request("DELETE", path, headers=dict(signed["sent_headers"]))
answer = conn.getresponse()
print("%d %s" % (answer.status, json.loads(answer.read() or b"{}").get("error_code", "")))
EOF
)

# --- the table ---------------------------------------------------------------------------
# The figures are kept next to the build, so that the page can be written again after an edit
# of notes.md without measuring again: python3 table.py docs/performance.md notes.md < FIGURES
FIGURES="$TARGET/bench-compare.json"
cat > "$FIGURES" <<EOF
{"seconds": $SECS, "rounds": $ROUNDS, "wrk1": $WRK1, "wrk32": $WRK32, "python": $PY,
 "b1": $B1, "b8": $B8, "a1": $A1, "a32": $A32, "emu1": $EMU1, "emu32": $EMU32,
 "bare_ureq1": $BARE_UREQ1, "bare_ureq8": $BARE_UREQ8, "bare_reqwest": $BARE_REQWEST, "bare_hyper": $BARE_HYPER, "core_hyper": $CORE_HYPER,
 "emu_status": "$EMU_STATUS",
 "machine": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, Linux $(uname -r)",
 "versions": "$(nginx -v 2>&1 | sed 's/nginx version: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $("$WORK/venv/bin/python" -V), huaweicloudsdkfrs $("$WORK/venv/bin/python" -m pip show huaweicloudsdkfrs | awk '/^Version/ {print $2}'), $(rustc -V | cut -d' ' -f1-2)",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "commit": "$(git -C "$ROOT" rev-parse --short HEAD)",
 "load": "$(cut -d' ' -f1-3 /proc/loadavg)"}
EOF
python3 "$HERE/table.py" "$ROOT/docs/performance.md" "$HERE/notes.md" < "$FIGURES"
echo "bench-compare: wrote docs/performance.md (figures in $FIGURES)"
