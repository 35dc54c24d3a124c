import Foundation

/// Writes `text` to a fresh config.toml under the temporary directory; returns its path.
func temporaryConfig(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString).toml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
