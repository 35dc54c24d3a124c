@testable import Engine
import Foundation
import Testing

/// One state volume, several logstream processes — a daemon container and a one-off
/// `docker run … backfill`, each pid 1 in a pid namespace of its own.
@Suite struct SharedStateTests {
    /// Two loops of `checkpoint set`, each in a new pid namespace (`unshare --pid --fork`),
    /// so that both run logstream under the same pids: the file stays valid throughout and
    /// neither loop's groups are lost to the other's writes.
    @Test func processesInSeparatePidNamespacesNeitherCorruptNorOverwriteEachOther() async throws {
        let unshare = ["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(unshare, "unshare (util-linux) is needed to start processes in new pid namespaces")
        let directory = ProjectPaths.temporaryDirectory("shared-state")
        let checkpoint = directory + "/state/checkpoints.json"
        let rounds = 30
        func loop(_ name: String) -> [String] {
            let body = "for i in $(seq 1 \(rounds)); do '\(ProjectPaths.binary)' checkpoint set /\(name)/$i 2h >/dev/null || { echo \"set $i failed\" >&2; exit 1; }; done"
            // A pid namespace with its own /proc, as a container has.
            return ["--pid", "--fork", "--mount-proc", "/bin/sh", "-c", body]
        }
        let environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "CHECKPOINT_PATH": checkpoint]
        async let first = ProcessRunner.run(path, loop("a"), environment: environment)
        async let second = ProcessRunner.run(path, loop("b"), environment: environment)
        let (a, b) = try await (first, second)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")

        let verify = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "verify"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let show = try await ProcessRunner.run(ProjectPaths.binary, ["checkpoint", "show", "--json"], environment: environment)
        let groups = try #require(show.json, "\(show.stdout)")["groups"]?.members ?? []
        let names = Set(groups.map(\.key))
        let expected = Set((1...rounds).flatMap { ["/a/\($0)", "/b/\($0)"] })
        #expect(names == expected, "lost: \(expected.subtracting(names).sorted())")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/state").filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// A group an operator resets while another process still holds its progress in memory
    /// stays reset: that process takes the reset instead of writing its progress back.
    @Test func anOperatorsResetWinsOverProgressAnotherProcessHeld() async throws {
        let directory = ProjectPaths.temporaryDirectory("shared-reset")
        let path = directory + "/checkpoints.json"
        let daemon = try CheckpointStore(path: path, writeInterval: 0)
        try await daemon.markShipped("/g", TimeRange(start: 1_000, end: 2_000))
        try await daemon.markShipped("/other", TimeRange(start: 1_000, end: 2_000))

        let operatorStore = try CheckpointStore(path: path)
        #expect(try await operatorStore.reset("/g") == 1)

        // The daemon goes on with another group, then with /g's later progress.
        try await daemon.markShipped("/other", TimeRange(start: 2_000, end: 3_000))
        let afterReset = try #require(try FileIO.read(path: path))
        let state = try CheckpointState.decode(afterReset, path: path)
        #expect(state.groups["/g"]?.isEmpty ?? true, "the reset group's old progress was written back: \(state.groups["/g"].map { "\($0.shipped.ranges)" } ?? "")")
        #expect(state.groups["/other"]?.shipped.ranges == [TimeRange(start: 1_000, end: 3_000)])
        try await daemon.markShipped("/g", TimeRange(start: 5_000, end: 6_000))
        let later = try CheckpointState.decode(try #require(try FileIO.read(path: path)), path: path)
        #expect(later.groups["/g"]?.shipped.ranges == [TimeRange(start: 5_000, end: 6_000)], "progress after the reset counts")
    }
}
