// swift-tools-version: 6.2
import PackageDescription

// Layers, from the bottom up (see docs/architecture.md):
//   SwitchyardCore      pure domain: accounts, states, config model, backoff. No I/O.
//   SwitchyardConfig    the YAML file → Core's config model (Yams), and file discovery.
//   SwitchyardProtocol  JSON-lines messages between supervisor and workers, and their framing.
//   SwitchyardStore     where accounts live (file backend; a PostgreSQL one later).
//   SwitchyardCurl      a small Swift type over libcurl (CCurl is the C binding).
//   SwitchyardHTTP1     a strict HTTP/1.1 request parser, pure (docs/single-loop-worker.md).
//   SwitchyardSupervisor / SwitchyardWorker   the two process shells.
//   switchyard          the one executable: CLI, supervisor and (hidden) worker mode.

// The release link's function order (scripts/link-order writes it; docs/memory.md), by absolute
// path: the linker does not run in the package's directory.
let linkOrder = String(#filePath.dropLast("Package.swift".count)) + "scripts/link-order.txt"

let package = Package(
    name: "switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .executable(name: "switchyard-sim", targets: ["switchyard-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "SwitchyardCore"),
        .target(name: "SwitchyardConfig", dependencies: [
            "SwitchyardCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "SwitchyardProtocol", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "SwitchyardStore", dependencies: ["SwitchyardCore"]),
        .target(name: "SwitchyardCurl", dependencies: ["CCurl"]),
        .target(name: "SwitchyardHTTP1"),
        .target(name: "SwitchyardLogging", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "SwitchyardSupervisor", dependencies: [
            "SwitchyardCore", "SwitchyardConfig", "SwitchyardProtocol", "SwitchyardStore", "SwitchyardLogging",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "SwitchyardWorker", dependencies: [
            "SwitchyardCore", "SwitchyardProtocol", "SwitchyardCurl", "SwitchyardLogging", "SwitchyardStore", "SwitchyardHTTP1",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "switchyard", dependencies: [
            "SwitchyardCore", "SwitchyardConfig", "SwitchyardStore", "SwitchyardSupervisor", "SwitchyardWorker",
            "SwitchyardLogging", "SwitchyardProtocol",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ], linkerSettings: [
            // Release builds: one self-contained binary (docs/memory.md). The Swift runtime and
            // Foundation linked in, so a worker maps only the code it runs instead of whole
            // shared libraries; lld packs the relocations the loader would otherwise read and
            // write at every start, and no symbol table is exported for them. The functions a
            // worker runs come first in .text, in the order it runs them (scripts/link-order.txt;
            // names the code no longer has are skipped without a warning).
            .unsafeFlags([
                "-static-stdlib", "-use-ld=lld", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                "-Xlinker", "--symbol-ordering-file=\(linkOrder)", "-Xlinker", "--no-warn-symbol-ordering",
            ], .when(platforms: [.linux], configuration: .release)),
        ]),
        // The provider simulator: stands in for the real upstreams in tests, benchmarks and the
        // demo. It imports no Switchyard module, so it cannot share a bug with the code under test.
        .executableTarget(name: "switchyard-sim", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/SwitchyardSim"),
        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"]),
        .testTarget(name: "SwitchyardConfigTests", dependencies: ["SwitchyardConfig", "SwitchyardCore"]),
        .testTarget(name: "SwitchyardProtocolTests", dependencies: [
            "SwitchyardProtocol", .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "SwitchyardStoreTests", dependencies: ["SwitchyardStore", "SwitchyardCore"]),
        .testTarget(name: "SwitchyardCurlTests", dependencies: ["SwitchyardCurl"]),
        .testTarget(name: "SwitchyardHTTP1Tests", dependencies: ["SwitchyardHTTP1"]),
        // Black-box tests of the simulator binary (the dependency only makes sure it is built).
        .testTarget(name: "SwitchyardSimTests", dependencies: ["switchyard-sim"]),
        .testTarget(name: "SwitchyardSupervisorTests", dependencies: ["SwitchyardSupervisor", "SwitchyardCore", "SwitchyardStore"]),
        .testTarget(name: "SwitchyardWorkerTests", dependencies: ["SwitchyardWorker", "SwitchyardProtocol", "SwitchyardCore"]),
        .testTarget(name: "SwitchyardIntegrationTests", dependencies: ["SwitchyardCore", "SwitchyardCurl"]),
    ],
    swiftLanguageModes: [.v6]
)
