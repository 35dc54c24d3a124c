import Foundation

/// A program left running while the test acts on the world around it (a daemon).
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    let outPath: String
    let errPath: String

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let directory = ProjectPaths.temporaryDirectory("daemon")
        outPath = directory + "/stdout"
        errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProjectPaths.childEnvironment(environment)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The exit status, or nil if the process is still running at the deadline.
    func waitForExit(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return nil }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Polls `condition` until it holds or the deadline passes; returns whether it held. With a
/// process to watch, gives up as soon as that process has exited: a daemon that crashed
/// fails the test at once, not at the deadline.
func eventually(seconds: Double, watching process: BackgroundProcess? = nil, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        if let process, !process.process.isRunning { break }
        try? await Task.sleep(nanoseconds: 200_000_000)
    }
    return try await condition()
}
