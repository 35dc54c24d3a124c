import Engine
import Foundation

/// Entry point of the command line: parse, validate, run one command, map the outcome
/// to an exit status. Results go to stdout, messages and logs to stderr.
public enum CLI {
    public static func run(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        ProcessTuning.apply()
        let parsed: ParseResult
        do {
            parsed = try ArgumentParser().parse(Array(arguments.dropFirst()))
        } catch let error as UsageError {
            Output.error("logstream: \(error)")
            return 2
        } catch {
            Output.error("logstream: \(error)")
            return 2
        }
        switch parsed {
        case .help(let path):
            Output.print(HelpRenderer.render(path: path), terminator: "")
            return 0
        case .version:
            Output.print("logstream \(CommandTable.version)" + (BuildInfo.commit.map { " (commit \($0))" } ?? ""))
            for library in BuildInfo.libraries { Output.print("  " + library) }
            return 0
        case .run(let invocation):
            return await dispatch(invocation, environment: environment)
        }
    }

    static func dispatch(_ invocation: Invocation, environment: [String: String]) async -> Int32 {
        do {
            try configureLogging(invocation)
            guard let run = CommandTable.root.command(at: invocation.path)?.run else {
                throw UsageError(message: "'\(invocation.path.joined(separator: " "))' needs a subcommand", commandPath: invocation.path)
            }
            return try await run(invocation, environment)
        } catch let error as UsageError {
            Output.error("logstream: \(error)")
            return 2
        } catch let error as ConfigError {
            Output.error("logstream: configuration error: \(error.message)")
            return 2
        } catch {
            Output.error("logstream \(invocation.path.joined(separator: " ")): \(error)")
            return 1
        }
    }

    static func configureLogging(_ invocation: Invocation) throws {
        var level = LogLevel.info
        var format = LogFormat.text
        if let name = invocation.value(.logLevel) {
            guard let parsed = LogLevel(name: name) else {
                throw UsageError(message: "invalid --log-level '\(name)': expected debug, info, warn or error", commandPath: invocation.path)
            }
            level = parsed
        }
        if let name = invocation.value(.logFormat) {
            guard let parsed = LogFormat(rawValue: name.lowercased()) else {
                throw UsageError(message: "invalid --log-format '\(name)': expected text or json", commandPath: invocation.path)
            }
            format = parsed
        }
        if invocation.has(.quiet) && invocation.value(.logLevel) == nil { level = .error }
        Log.configure(level: level, format: format)
    }

    /// Settings from every layer, with this invocation's options on top.
    static func settings(_ invocation: Invocation, environment: [String: String]) throws -> Settings {
        let command = CommandTable.root.resolve(invocation.path)
        var flags: [String: RawSetting] = [:]
        for option in command.options {
            guard let name = option.setting, let value = invocation.value(option) else { continue }
            flags[name] = RawSetting(value: value, source: .flag("--\(option.long)"))
        }
        return try SettingsLoader(environment: environment, flags: flags, configPath: invocation.value(.config)).load()
    }
}

extension CommandSpec {
    func resolve(_ path: [String]) -> CommandSpec {
        var command = self
        for name in path {
            guard let sub = command.subcommand(named: name) else { break }
            command = sub
        }
        return command
    }
}
