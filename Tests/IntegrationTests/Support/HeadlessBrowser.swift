@testable import Engine
import Foundation

/// Debian's headless Chromium (installed by `scripts/setup.sh --tests`), to render a page
/// the way a person would open it: a screenshot, and the DOM after the page was laid out.
enum HeadlessBrowser {
    static var executable: String? {
        ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let flags = ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,700"]

    /// Renders `page` and returns the PNG screenshot and the rendered DOM.
    static func render(_ page: String) async throws -> (png: [UInt8], dom: String) {
        guard let executable else {
            throw ProcessFailure(description: "no headless Chromium: run 'bash scripts/setup.sh --tests' (make test does)")
        }
        let shot = ProjectPaths.temporaryDirectory("browser") + "/page.png"
        let screenshot = try await ProcessRunner.run(executable, flags + ["--screenshot=\(shot)", "file://\(page)"])
        guard screenshot.status == 0, let png = FileManager.default.contents(atPath: shot) else {
            throw ProcessFailure(description: "chromium made no screenshot (\(screenshot.status)): \(screenshot.stderr.suffix(1000))")
        }
        let dom = try await ProcessRunner.run(executable, flags + ["--dump-dom", "file://\(page)"])
        guard dom.status == 0 else { throw ProcessFailure(description: "chromium --dump-dom failed: \(dom.stderr.suffix(1000))") }
        return (Array(png), dom.stdout)
    }

    /// How many different byte values the decoded pixel rows hold: a blank page (one
    /// colour) has a handful, a drawn one many. PNG keeps them zlib-compressed in IDAT chunks.
    static func distinctPixelBytes(_ png: [UInt8]) throws -> Int {
        guard png.count > 8, png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw ProcessFailure(description: "not a PNG file")
        }
        var offset = 8, compressed: [UInt8] = []
        while offset + 8 <= png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            if type == "IDAT" { compressed += png[offset + 8..<offset + 8 + length] }
            offset += 12 + length
        }
        return Set(try Gzip.decompress(compressed)).count
    }
}
