#!/usr/bin/env bash
# Builds the single-loop prototype (docs/benchmarks.md, session 8) into $OUT (default
# /tmp/single-loop-proxy) as a package of its own, with the repository's libcurl binding.
# It is not a target of the product's package: it measures a design, it does not ship.
#   docs/prototypes/single-loop-proxy/build.sh && /tmp/single-loop-proxy/.build/release/loopproto PORT URL THREADS [task]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${OUT:-/tmp/single-loop-proxy}
mkdir -p "$out/Sources/CCurl" "$out/Sources/loopproto"
cp "$repo/Sources/CCurl/module.modulemap" "$repo/Sources/CCurl/shim.h" "$out/Sources/CCurl/"
cp "$here/main.swift" "$out/Sources/loopproto/"
cat >"$out/Package.swift" <<'SWIFT'
// swift-tools-version:5.9
import PackageDescription
let package = Package(name: "loopproto", targets: [
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl"),
    .executableTarget(name: "loopproto", dependencies: ["CCurl"], swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
])
SWIFT
cd "$out" && swift build -c release
