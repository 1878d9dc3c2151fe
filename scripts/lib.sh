# Shared by scripts/run, scripts/test and scripts/bench: install what a fresh Debian machine
# lacks, then build. Sourced, not run.
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
