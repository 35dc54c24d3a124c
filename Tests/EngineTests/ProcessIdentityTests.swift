import Glibc
import Testing
@testable import Engine

/// A claim's holder is judged ended only when that is certain from here.
@Suite struct ProcessIdentityTests {
    @Test func thisProcessIsRunningAndAnEndedOneIsSeenToHaveEnded() throws {
        let me = try #require(ProcessIdentity.current)
        #expect(!me.hasEnded())
        // A child that has exited and been reaped: its number names no process now.
        let result = try ChildProcess.run(shell: "echo $$")
        let pid = try #require(Int32(String(decoding: result.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""))
        let ended = ProcessIdentity(bootID: me.bootID, pidNamespace: me.pidNamespace, pid: pid, startTicks: 1)
        #expect(ended.hasEnded())
        // The same number started at another time is another process.
        #expect(ProcessIdentity(bootID: me.bootID, pidNamespace: me.pidNamespace, pid: me.pid, startTicks: me.startTicks + 1).hasEnded())
    }

    @Test func anotherMachineBootOrContainerIsNeverJudged() throws {
        let me = try #require(ProcessIdentity.current)
        let gone: Int32 = 4_000_000
        #expect(!ProcessIdentity(bootID: "another-boot", pidNamespace: me.pidNamespace, pid: gone, startTicks: 1).hasEnded())
        #expect(!ProcessIdentity(bootID: me.bootID, pidNamespace: "pid:[1]", pid: gone, startTicks: 1).hasEnded())
        let json = me.json
        #expect(ProcessIdentity(json: json) == me)
        #expect(ProcessIdentity(json: nil) == nil)
    }
}
