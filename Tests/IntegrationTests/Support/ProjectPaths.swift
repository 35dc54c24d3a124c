import Foundation

/// Where the built binary and the rig live, relative to this source file, unless the
/// Makefile passes them explicitly.
enum ProjectPaths {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The release binary by default: what users run (`make test` builds it first).
    static var binary: String {
        ProcessInfo.processInfo.environment["LOGSTREAM_BIN"] ?? "\(root)/.build/release/logstream"
    }

    static var python: String {
        ProcessInfo.processInfo.environment["RIG_PYTHON"] ?? "\(root)/.rig/venv/bin/python"
    }

    /// A child's environment with the sanitizer options `make sanitize` gives logstream
    /// (`LOGSTREAM_BIN_ASAN_OPTIONS` becomes the child's `ASAN_OPTIONS`, and so on): the
    /// binary's reports go to files the script checks, whatever the test does with its output.
    static func childEnvironment(_ environment: [String: String]?) -> [String: String]? {
        let inherited = ProcessInfo.processInfo.environment
        var forwarded: [String: String] = [:]
        for name in ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"] {
            if let value = inherited["LOGSTREAM_BIN_" + name] { forwarded[name] = value }
        }
        guard !forwarded.isEmpty else { return environment }
        return (environment ?? inherited).merging(forwarded) { _, sanitizer in sanitizer }
    }

    static var rigScript: String { "\(root)/rig/rig.py" }

    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "logstream-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
