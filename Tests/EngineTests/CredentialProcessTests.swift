@testable import Engine
import Foundation
import Testing

/// `credential_process` bounded as the AWS SDKs bound it, and one resolution of a source's
/// credentials at a time.
struct CredentialProcessTests {
    static let printed = #"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "secret"}"#

    @Test func aHelperThatHangsIsStoppedAtItsTimeout() async throws {
        let error = try #require(throws: ChildProcess.Failure.self) {
            try ChildProcess.run(shell: "sleep 300", timeoutSeconds: 0.5)
        }
        #expect(error.description.contains("did not finish within"))
    }

    /// The helper exits at once but leaves a process behind that keeps its stdout open:
    /// its answer counts as soon as it exits (the timeout here is far beyond any wait).
    @Test func aBackgroundProcessTheHelperLeavesIsNotWaitedFor() async throws {
        let started = WallClock.monotonicSeconds()
        let result = try ChildProcess.run(shell: "sleep 30 & echo '\(Self.printed)'", timeoutSeconds: 120)
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("AKID"))
        #expect(WallClock.monotonicSeconds() - started < 25, "waited for the background process")
    }

    @Test func aHelperThatPrintsWithoutEndIsStopped() async throws {
        let error = try #require(throws: ChildProcess.Failure.self) {
            try ChildProcess.run(shell: "yes", timeoutSeconds: 60, outputLimit: 64 * 1024)
        }
        #expect(error.description.contains("printed more than"))
    }

    /// Eight tasks that need credentials at once start one helper between them.
    @Test func concurrentCallersShareOneResolution() async throws {
        let counter = NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString).runs"
        let provider = CachedCredentials(ProcessCredentialsProvider(command: "echo run >> '\(counter)'; sleep 0.3; echo '\(Self.printed)'"))
        try await withThrowingTaskGroup(of: String.self) { tasks in
            for _ in 0..<8 { tasks.addTask { try await provider.credentials().accessKeyId } }
            for try await key in tasks { #expect(key == "AKID") }
        }
        let runs = try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count
        #expect(runs == 1, "\(runs) helpers started")
    }
}

/// A `credential_process` as a provider of its own, for the tests here.
private struct ProcessCredentialsProvider: CredentialsProvider {
    var command: String
    func credentials() async throws -> AWSCredentials { try await ProcessCredentials(command: command, profile: "test").credentials() }
    func invalidate() async {}
}

/// A helper that fails is not run again on every call: the error stands for a backoff.
struct FailedCredentialsTests {
    @Test func aFailedResolutionIsAnsweredWithoutRunningTheHelperAgain() async throws {
        let counter = NSTemporaryDirectory() + "logstream-test-\(UUID().uuidString).runs"
        let provider = CachedCredentials(ProcessCredentialsProvider(command: "echo run >> '\(counter)'; echo 'expired' >&2; exit 1"))
        for _ in 0..<5 {
            await #expect(throws: CredentialsError.self) { try await provider.credentials() }
        }
        let runs = try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count
        #expect(runs == 1, "\(runs) helper runs for five calls")
    }
}
