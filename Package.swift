// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "logstream",
    products: [
        .executable(name: "logstream", targets: ["logstream"]),
    ],
    dependencies: [
        // TOML is the configuration file format; TOMLKit wraps the toml++ reference parser.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // One C module per library or concern, each wrapped by one Swift file.
        // libcurl, opened with dlopen at the first HTTP client (see include/CCurl.h); headers
        // from Debian's libcurl4-openssl-dev.
        .target(name: "CCurl", path: "Sources/CCurl"),
        // zlib: reading gzip back, the fallback compressor, CRC-32 of the checkpoint file.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's malloc tuning.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // ISA-L's igzip: gzip for bulk bodies at several times zlib's speed.
        .systemLibrary(
            name: "CIgzip",
            path: "Sources/CIgzip",
            providers: [.apt(["libisal-dev"])]
        ),
        // The commit a build was made from (scripts/build-info.sh writes it before `make` builds).
        .target(name: "CBuildInfo", path: "Sources/CBuildInfo"),
        // The byte loops of JSON scanning, sixteen bytes at a time (header-only C).
        .systemLibrary(name: "CJSONScan", path: "Sources/CJSONScan"),
        // libdeflate, only for `make bench` to measure against.
        .systemLibrary(
            name: "CLibdeflate",
            path: "Benchmarks/CLibdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(
            name: "Engine",
            dependencies: ["CCurl", "CBuildInfo", "CZlib", "CMalloc", "CIgzip", "CJSONScan", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(name: "Commands", dependencies: ["Engine"]),
        .executableTarget(name: "logstream", dependencies: ["Commands"]),
        .executableTarget(name: "logstream-bench", dependencies: ["Engine", "CZlib", "CLibdeflate"], path: "Benchmarks/Bench"),
        // What more than one test target needs (the seeded random source).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands", "Engine"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Engine", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
