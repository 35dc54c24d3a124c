import Engine

/// Parses arguments against `CommandTable`. Options may come anywhere after the command
/// name, as `--name value`, `--name=value` or a short `-x`; `--` ends options.
public struct ArgumentParser: Sendable {
    public let root: CommandSpec
    public let globalOptions: [OptionSpec]

    public init(root: CommandSpec = CommandTable.root, globalOptions: [OptionSpec] = CommandTable.globalOptions) {
        self.root = root
        self.globalOptions = globalOptions
    }

    public func parse(_ arguments: [String]) throws -> ParseResult {
        var command = root
        var path: [String] = []
        var values: [String: String] = [:]
        var flags = Set<String>()
        var positionals: [String] = []
        var optionsEnded = false
        var index = 0

        func fail(_ message: String) -> UsageError { UsageError(message: message, commandPath: path) }

        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if optionsEnded || !token.hasPrefix("-") || token == "-" {
                if !optionsEnded, positionals.isEmpty, !command.subcommands.isEmpty {
                    guard let sub = command.subcommand(named: token) else {
                        let names = command.subcommands.map(\.name)
                        let hint = closest(token, names).map { " (did you mean '\($0)'?)" } ?? ""
                        throw fail("unknown command '\(token)'\(hint); commands: \(names.joined(separator: ", "))")
                    }
                    command = sub
                    path.append(token)
                    continue
                }
                positionals.append(token)
                continue
            }
            if token == "--" {
                optionsEnded = true
                continue
            }
            let options = command.options + globalOptions
            let (spec, inlineValue) = try lookup(token, in: options, fail: fail)
            if spec.long == "help" { return .help(path) }
            if spec.long == "version" { return .version }
            if spec.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw fail("option '--\(spec.long)' needs a value (\(spec.valueName ?? "VALUE"))")
                    }
                    value = arguments[index]
                    index += 1
                }
                values[spec.long] = value
            } else {
                if inlineValue != nil { throw fail("option '--\(spec.long)' does not take a value") }
                flags.insert(spec.long)
            }
        }

        if !command.subcommands.isEmpty && command.arguments.isEmpty {
            if path.isEmpty { return .help([]) }
            let names = command.subcommands.map(\.name).joined(separator: ", ")
            throw fail("'\(path.joined(separator: " "))' needs a subcommand: \(names)")
        }
        let required = command.arguments.filter { !$0.optional }
        if positionals.count < required.count {
            let missing = required[positionals.count...].map(\.name).joined(separator: " ")
            throw fail("missing argument: \(missing)")
        }
        if positionals.count > command.arguments.count {
            throw fail("unexpected argument '\(positionals[command.arguments.count])'")
        }
        return .run(Invocation(path: path, values: values, flags: flags, arguments: positionals))
    }

    private func lookup(_ token: String, in options: [OptionSpec], fail: (String) -> UsageError) throws -> (OptionSpec, String?) {
        if token.hasPrefix("--") {
            let body = token.dropFirst(2)
            let name: String
            var inline: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inline = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let spec = options.first(where: { $0.long == name }) else {
                let hint = closest(name, options.map(\.long)).map { " (did you mean '--\($0)'?)" } ?? ""
                throw fail("unknown option '--\(name)'\(hint)")
            }
            return (spec, inline)
        }
        let letters = Array(token.dropFirst())
        guard letters.count == 1, let spec = options.first(where: { $0.short == letters[0] }) else {
            throw fail("unknown option '\(token)'")
        }
        return (spec, nil)
    }

    private func closest(_ word: String, _ candidates: [String]) -> String? {
        Suggestion.closest(to: word, among: candidates)
    }
}
