import Foundation
import Testing
@testable import Engine

@Suite struct FileIOTests {
    /// The temporaries a killed writer left beside a file are found among many other entries
    /// of every name length, and only they are removed. Under AddressSanitizer this also holds
    /// the directory walk to reading each name where readdir put it: copying the whole name
    /// field read past the end of readdir's buffer for the last, shorter record in it.
    @Test func staleTemporariesAreRemovedFromABusyDirectoryAndNothingElse() throws {
        let directory = NSTemporaryDirectory() + "logstream-fileio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/checkpoints.json"
        var others: [String] = []
        for index in 0..<1_500 {
            let name = "entry-\(index)-" + String(repeating: "n", count: index % 200)
            _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: nil)
            others.append(name)
        }
        let stale = (0..<5).map { _ in FileIO.temporaryName(of: path) }
        for temporary in stale { _ = FileManager.default.createFile(atPath: temporary, contents: Data([1])) }

        FileIO.removeStaleTemporaries(of: path)

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(stale.allSatisfy { !left.contains(String($0.split(separator: "/").last!)) }, "a stale temporary is still there")
        #expect(left == Set(others), "entries other than the temporaries were removed or added")
    }
}
