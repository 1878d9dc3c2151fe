# Shared by scripts/run, scripts/test, scripts/bench and scripts/link-order: install what a
# fresh Debian machine lacks, then build; the proxy rig. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need_packages() {
    local missing=()
    pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    if [ ${#missing[@]} -gt 0 ]; then install_packages "${missing[@]}"; fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "swift is not on PATH: install the Swift 6.2+ toolchain (https://swift.org/install)" >&2
        exit 1
    fi
}

# Installs Debian packages (as root, or through sudo).
install_packages() {
    echo "installing: $*" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

build() {
    swift build "$@"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Drops FILEs from the page cache, so that the next start reads them from disk. Pages already
# cached (just built or copied) sit in large folios on this kernel, and a fault maps a whole
# folio: a worker's RSS then reads several MiB higher for the same memory (docs/memory.md).
evict_from_page_cache() {
    python3 -c '
import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY); os.fdatasync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$@"
}

# The proxy rig of scripts/bench proxy and scripts/link-order: a fixed-response upstream (nginx
# answering a short Codex event stream), a plain nginx reverse proxy in front of it (the
# reference), and a supervisor from BIN_DIR with one codex account, whose worker proxies to
# that upstream. Installs wrk and nginx-light when missing.
#
#   proxy_rig_up BIN_DIR [WRAPPER...]
#
# The binary is evicted from the page cache first: every run starts from it as read from disk.
# Without a WRAPPER the supervisor daemonizes (start --daemon). With one (e.g. `perf record
# ... --`) the supervisor runs in the foreground under it, as a background job of this shell,
# so that the wrapper follows the supervisor and the worker it spawns from their exec on.
# Sets rig_dir, rig_upstream_port, rig_proxy_port, worker_listen and worker_pid, and writes the
# wrk scripts $rig_dir/sse.lua and $rig_dir/json.lua (a Codex request, stream true / false).
# proxy_rig_down stops it all (trap it on EXIT); KEEP=1 keeps rig_dir.
proxy_rig_up() {
    rig_bin=$1; shift
    command -v wrk >/dev/null && command -v nginx >/dev/null || install_packages wrk nginx-light
    rig_dir=$(mktemp -d ${BENCH_TMP:-/tmp}/sy-proxy-XXXXXX)
    rig_job=
    local dir=$rig_dir up rp
    up=$(free_port); rp=$(free_port)
    rig_upstream_port=$up; rig_proxy_port=$rp
    # The upstream's answer: a short Codex stream (created, five deltas, completed), ~1.6 KB.
    local events
    events=$(python3 - <<'PY'
import json
def ev(name, data): return "event: %s\ndata: %s\n\n" % (name, json.dumps(data, separators=(",", ":")))
out = ev("response.created", {"type": "response.created", "response": {"id": "resp_1", "object": "response", "status": "in_progress"}})
for word in ["Hello ", "from ", "a ", "fixed ", "upstream."]:
    out += ev("response.output_text.delta", {"type": "response.output_text.delta", "item_id": "msg_1", "delta": word})
out += ev("response.completed", {"type": "response.completed", "response": {"id": "resp_1", "object": "response", "status": "completed",
       "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hello from a fixed upstream."}]}]}})
print(out.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"), end="")
PY
)
    nginx_conf() {  # name, port, body of the server block
        cat >"$dir/nginx-$1.conf" <<NGINX
worker_processes 1;
daemon on;
pid $dir/nginx-$1.pid;
error_log $dir/nginx-$1.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp-$1;
    proxy_temp_path $dir/tmp-$1;
    upstream fixed { server 127.0.0.1:$up; keepalive 64; }
    server { listen 127.0.0.1:$2 backlog=1024; $3 }
}
NGINX
        nginx -c "$dir/nginx-$1.conf" -p "$dir" -e "$dir/nginx-$1.log"
    }
    nginx_conf upstream "$up" "location / { default_type text/event-stream; return 200 \"$events\"; }"
    nginx_conf proxy "$rp" "location / { proxy_pass http://fixed; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }"

    mkdir -p "$dir/var/accounts" && chmod 700 "$dir/var" "$dir/var/accounts"
    local expires=$(( $(date +%s) + 86400 ))
    printf '{"schema":1,"id":"codex-00000000be11","provider":"codex","access_token":"bench-at","refresh_token":"bench-rt","expires_at":%s,"chatgpt_account_id":"ws-bench"}' \
        "$expires" >"$dir/var/accounts/codex-00000000be11.json"
    chmod 600 "$dir/var/accounts/codex-00000000be11.json"
    cat >"$dir/switchyard.yaml" <<YAML
state-dir: ./var
accounts-dir: ./var/accounts
quota-interval: 1h
management: {listen: 127.0.0.1:0}
log: {level: warning, format: text}
providers:
  claude: {enabled: false}
  gemini: {enabled: false}
  codex:
    listen: 127.0.0.1:0
    token-url: http://127.0.0.1:$up/oauth/token
    api-base: http://127.0.0.1:$up/backend-api/codex
    usage-url: http://127.0.0.1:$up/backend-api/wham/usage
YAML
    local mode stream
    for mode in sse json; do
        stream=true; [ "$mode" = json ] && stream=false
        cat >"$dir/$mode.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"gpt-5-codex","input":[{"role":"user","content":"hi"}],"stream":$stream}'
wrk.headers["Content-Type"] = "application/json"
LUA
    done

    evict_from_page_cache "$rig_bin/switchyard"
    if [ $# -eq 0 ]; then
        "$rig_bin/switchyard" start --daemon --config "$dir/switchyard.yaml"
    else
        "$@" "$rig_bin/switchyard" start --config "$dir/switchyard.yaml" >"$dir/supervisor.log" 2>&1 &
        rig_job=$!
    fi
    local ready="" i
    for i in $(seq 300); do
        ready=$("$rig_bin/switchyard" workers list --json --config "$dir/switchyard.yaml" 2>/dev/null \
            | python3 -c 'import json,sys; w=[w for w in json.load(sys.stdin)["workers"] if w["state"]=="ready"]; print(w[0]["listen"], w[0]["pid"]) if w else None' 2>/dev/null) || true
        [ -n "$ready" ] && break
        sleep 0.1
    done
    [ -n "$ready" ] || { echo "proxy rig: no ready worker after 30 s (logs in $dir)" >&2; return 1; }
    read -r worker_listen worker_pid <<<"$ready"
}

proxy_rig_down() {
    [ -n "${rig_dir:-}" ] || return 0
    "$rig_bin/switchyard" stop --config "$rig_dir/switchyard.yaml" >/dev/null 2>&1 || { [ -z "$rig_job" ] || kill "$rig_job" 2>/dev/null; }
    [ -z "$rig_job" ] || wait "$rig_job" 2>/dev/null || true
    local f
    for f in "$rig_dir"/nginx-*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] || rm -rf "$rig_dir"
    rig_dir= rig_job=
}
