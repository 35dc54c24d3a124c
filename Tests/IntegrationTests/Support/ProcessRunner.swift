@testable import Engine
import Foundation

struct ProcessResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// What a command printed with `--json` (or a rig helper), parsed; nil when it is not JSON.
    var json: JSONValue? { try? JSONParser().parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program to completion with output captured in files (no pipe-buffer stalls),
/// waiting without blocking the test runner's threads.
enum ProcessRunner {
    /// The release binary with `arguments`, and what it printed as JSON (nil when not JSON).
    static func logstream(_ arguments: [String], environment: [String: String]) async throws -> (ProcessResult, JSONValue?) {
        let result = try await run(ProjectPaths.binary, arguments, environment: environment)
        return (result, result.json)
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ProcessResult {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ProcessFailure(description: "\(executable) is missing; run 'make test' (it builds the binary and sets up the rig)")
        }
        let directory = ProjectPaths.temporaryDirectory("proc")
        let outPath = directory + "/stdout", errPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment = ProjectPaths.childEnvironment(environment) { process.environment = environment }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        return ProcessResult(status: status, stdout: stdout, stderr: stderr)
    }
}
