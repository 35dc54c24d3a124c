@testable import Engine
import Foundation
import Testing

/// What an operator sees: progress on a terminal, quiet runs, completions in every shell.
@Suite(.serialized) struct OperatorExperienceTests {
    /// Runs `logstream arguments` under a pseudo-terminal (util-linux `script`), returning what the terminal showed.
    func onTerminal(_ arguments: [String], environment: [String: String]) async throws -> ProcessResult {
        let command = ([ProjectPaths.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try await ProcessRunner.run("/usr/bin/script", ["-qefc", command, "/dev/null"], environment: environment)
    }

    @Test func backfillOnATerminalDrawsABarWithRateAndETAAndPlainLinesElsewhere() async throws {
        try await Rig.with { rig in
            let groups = ["/ux/a", "/ux/b"]
            _ = try await rig.seed(groups: groups, days: 3, eventsPerGroup: 6_000)
            let terminal = try await onTerminal(["backfill", "--days", "4"], environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/tty.json"))
            #expect(terminal.status == 0, "\(terminal.stdout)")
            #expect(terminal.stdout.contains("backfill ["))
            #expect(terminal.stdout.contains("ETA"))
            #expect(terminal.stdout.contains("[########################] 100%"))
            #expect(terminal.stdout.contains("\u{1B}[2K"))

            let piped = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "4"],
                                                    environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/pipe.json"))
            #expect(piped.status == 0)
            #expect(!piped.stderr.contains("\u{1B}["))
            #expect(piped.stderr.contains("backfill window done"))

            let quiet = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "4", "--quiet"],
                                                    environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/quiet.json"))
            #expect(quiet.status == 0)
            #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
            #expect(quiet.stdout.contains("GROUP"))

            // Long reconcile runs show the same bar.
            let reconcile = try await onTerminal(["reconcile", "--days", "4"], environment: rig.environment(groups: groups, checkpointPath: rig.directory + "/tty.json"))
            #expect(reconcile.status == 0, "\(reconcile.stdout)")
            #expect(reconcile.stdout.contains("reconcile [########################] 100%"))
        }
    }

    @Test func jsonLogsAreOneObjectPerLineWithTheFieldsOperatorsFilterOn() async throws {
        try await Rig.with { rig in
            let group = "/ux/json-logs"
            _ = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 500)
            let result = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2", "--log-format", "json"],
                                                     environment: rig.environment(groups: [group], checkpointPath: rig.directory + "/cp.json"))
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count >= 3)
            for line in lines {
                let object = try JSONParser().parse(Array(line.utf8))
                #expect(object["time"]?.string != nil && object["level"]?.string != nil && object["msg"]?.string != nil, "\(line)")
            }
            let windowDone = try lines.map { try JSONParser().parse(Array($0.utf8)) }.first { $0["msg"] == "backfill window done" }
            #expect(windowDone?["group"]?.string == group)
            #expect(windowDone?["events"]?.int != nil && windowDone?["ms"]?.int != nil)
        }
    }

    func shell(_ program: String, _ script: String) async throws -> ProcessResult {
        try await ProcessRunner.run(program, ["-c", script], environment: ["PATH": "/usr/bin:/bin", "HOME": ProjectPaths.temporaryDirectory("home")])
    }

    @Test func bashCompletesCommandsAndOptions() async throws {
        let script = """
            source '\(ProjectPaths.root)/completions/logstream.bash'
            COMP_WORDS=(logstream back); COMP_CWORD=1; _logstream; echo "commands: ${COMPREPLY[*]}"
            COMP_WORDS=(logstream reconcile --cou); COMP_CWORD=2; _logstream; echo "options: ${COMPREPLY[*]}"
            COMP_WORDS=(logstream reconcile --counts ''); COMP_CWORD=3; _logstream; echo "values: ${COMPREPLY[*]}"
            """
        let result = try await shell("/bin/bash", script)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("commands: backfill"))
        #expect(result.stdout.contains("options: --counts"))
        #expect(result.stdout.contains("values: events insights"))
    }

    @Test func fishCompletesCommandsAndOptions() async throws {
        let result = try await shell("/usr/bin/fish", "source '\(ProjectPaths.root)/completions/logstream.fish'; complete -C 'logstream back'; complete -C 'logstream checkpoint '; complete -C 'logstream backfill --si'")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("backfill\tcopy history"))
        #expect(result.stdout.contains("verify"))
        #expect(result.stdout.contains("--since"))
    }

    @Test func zshLoadsTheCompletionFunction() async throws {
        let script = "fpath=('\(ProjectPaths.root)/completions' $fpath); autoload -Uz compinit && compinit -u -D; autoload -Uz +X _logstream && whence -v _logstream"
        let result = try await shell("/usr/bin/zsh", script)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("_logstream is a shell function"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func theManPageRendersWithManMinusLAndTroffFindsNothingToComplainAbout() async throws {
        let page = "\(ProjectPaths.root)/man/logstream.1"
        let man = try await ProcessRunner.run("/usr/bin/man", ["-l", page], environment: ["PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": "100", "LANG": "C.UTF-8"])
        #expect(man.status == 0, "\(man.stderr)")
        #expect(man.stdout.contains("EXIT STATUS"))
        #expect(man.stdout.contains("logstream reconcile"))
        let troff = try await ProcessRunner.run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", page], environment: ["PATH": "/usr/bin:/bin"])
        #expect(troff.status == 0)
        #expect(troff.stderr.isEmpty, "\(troff.stderr)")
    }
}
