import Testing
@testable import Commands
@testable import Engine

@Suite struct ArgumentParserTests {
    let parser = ArgumentParser()

    func usageError(_ arguments: [String]) -> UsageError? {
        do {
            _ = try parser.parse(arguments)
            return nil
        } catch let error as UsageError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parsesOptionsInEveryForm() throws {
        let result = try parser.parse(["backfill", "--days", "7", "--batch-size=500", "--json", "-q", "--log-level", "debug"])
        guard case .run(let invocation) = result else { Issue.record("expected a command"); return }
        #expect(invocation.path == ["backfill"])
        #expect(invocation.values == ["days": "7", "batch-size": "500", "log-level": "debug"])
        #expect(invocation.flags == ["json", "quiet"])
    }

    @Test func globalOptionsMayComeBeforeTheCommand() throws {
        #expect(try parser.parse(["--log-format", "json", "checkpoint", "show"]) == .run(Invocation(path: ["checkpoint", "show"], values: ["log-format": "json"], flags: [], arguments: [])))
    }

    @Test func helpAndVersionAtEveryLevel() throws {
        #expect(try parser.parse([]) == .help([]))
        #expect(try parser.parse(["--help"]) == .help([]))
        #expect(try parser.parse(["-V"]) == .version)
        #expect(try parser.parse(["--version"]) == .version)
        #expect(try parser.parse(["checkpoint", "set", "-h"]) == .help(["checkpoint", "set"]))
        for (path, _) in CompletionScripts.walk(CommandTable.root) {
            #expect(try parser.parse(path + ["--help"]) == .help(path))
            let help = HelpRenderer.render(path: path)
            #expect(help.contains("Usage: logstream"))
            #expect(help.contains("Exit status"))
        }
    }

    @Test func unknownOptionSuggestsTheClosestAndPointsAtHelp() throws {
        let error = try #require(usageError(["backfill", "--dayz", "3"]))
        #expect(error.message.contains("--dayz") && error.message.contains("--days"))
        #expect(error.description.contains("logstream backfill --help"))
    }

    @Test func unknownCommandSuggestsTheClosest() throws {
        let error = try #require(usageError(["backfil"]))
        #expect(error.message.contains("'backfil'") && error.message.contains("backfill"))
    }

    @Test func optionsThatNeedValuesSaySo() throws {
        let error = try #require(usageError(["backfill", "--days"]))
        #expect(error.message.contains("--days") && error.message.contains("needs a value"))
        let flagWithValue = try #require(usageError(["backfill", "--json=yes"]))
        #expect(flagWithValue.message.contains("does not take a value"))
    }

    @Test func argumentsAreCounted() throws {
        #expect(usageError(["checkpoint", "set", "/a"])?.message.contains("TIME") == true)
        #expect(usageError(["backfill", "extra"])?.message.contains("unexpected argument 'extra'") == true)
        #expect(usageError(["checkpoint"])?.message.contains("needs a subcommand") == true)
        #expect(try parser.parse(["checkpoint", "reset", "--yes"]) == .run(Invocation(path: ["checkpoint", "reset"], values: [:], flags: ["yes"], arguments: [])))
    }

    @Test func optionsOfOtherCommandsAreRejected() {
        #expect(usageError(["refresh-tune", "--days", "3"]) != nil)
    }

    @Test func everySettingOptionNamesACatalogVariable() {
        for (_, command) in CompletionScripts.walk(CommandTable.root) {
            for option in command.options {
                if let name = option.setting {
                    #expect(SettingsCatalog.spec(named: name) != nil, "--\(option.long) names unknown setting \(name)")
                }
            }
        }
    }
}

@Suite struct TimeRangeOptionTests {
    let now: EpochMillis = 1_714_521_600_000

    func invocation(_ values: [String: String]) -> Invocation {
        Invocation(path: ["backfill"], values: values, flags: [], arguments: [])
    }

    @Test func daysEndNow() throws {
        let range = try TimeRangeOptions.range(invocation([:]), defaultDays: 3, now: now)
        #expect(range == TimeRange(start: now - 3 * 86_400_000, end: now))
    }

    @Test func sinceAndUntilAcceptDatesAndAges() throws {
        let range = try TimeRangeOptions.range(invocation(["since": "2024-04-30", "until": "12h"]), defaultDays: 3, now: now)
        #expect(range == TimeRange(start: now - 86_400_000, end: now - 12 * 3_600_000))
    }

    @Test func invalidOrEmptyRangesAreUsageErrors() {
        #expect(throws: UsageError.self) { try TimeRangeOptions.range(invocation(["since": "last tuesday"]), defaultDays: 3, now: now) }
        #expect(throws: UsageError.self) { try TimeRangeOptions.range(invocation(["since": "1h", "until": "2h"]), defaultDays: 3, now: now) }
        #expect(throws: UsageError.self) { try TimeRangeOptions.range(invocation(["since": "1h", "days": "2"]), defaultDays: 3, now: now) }
    }
}
