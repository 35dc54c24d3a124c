import Foundation
@testable import Engine
import Testing
@testable import Commands

/// The committed completions and man page must match the command table; `make docs` regenerates them.
@Suite struct GeneratedDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func committed(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: [("bash", "completions/logstream.bash"), ("zsh", "completions/_logstream"), ("fish", "completions/logstream.fish")])
    func completionsMatchTheCommandTable(shell: String, path: String) throws {
        #expect(try committed(path) == CompletionScripts.script(for: shell), "\(path) is stale: run 'make docs'")
    }

    /// The README's configuration table lists every setting of the catalog with its default
    /// (the table is written by hand; this holds it to the catalog).
    @Test func theReadmeTableListsEverySettingWithItsDefault() throws {
        let rows = try committed("README.md").split(separator: "\n").filter { $0.hasPrefix("| `") }
        for spec in SettingsCatalog.all {
            let row = rows.first { $0.contains("`\(spec.name)`") }
            #expect(row != nil, "\(spec.name) is missing from the README's configuration table")
            guard let row, let value = spec.defaultValue, !value.isEmpty else { continue }
            #expect(row.contains("`\(value)`"), "the README gives \(spec.name) another default than \(value): \(row)")
        }
    }

    @Test func manPageMatchesTheCommandTable() throws {
        #expect(try committed("man/logstream.1") == ManPage.render(), "man/logstream.1 is stale: run 'make docs'")
    }

    @Test func manPageDocumentsEverySettingAndExitCode() {
        let page = ManPage.render()
        for spec in SettingsCatalog.all {
            #expect(page.contains(spec.name.replacingOccurrences(of: "-", with: "\\-")))
        }
        #expect(page.contains(".SH EXIT STATUS"))
    }
}
