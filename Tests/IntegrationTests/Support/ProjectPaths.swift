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

    static var rigScript: String { "\(root)/rig/rig.py" }

    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "logstream-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
