/// A parsed command line: which command, which options with which values, positionals.
public struct Invocation: Sendable, Equatable {
    public var path: [String]
    public var values: [String: String]
    public var flags: Set<String>
    public var arguments: [String]

    public func value(_ option: OptionSpec) -> String? { values[option.long] }
    public func has(_ option: OptionSpec) -> Bool { flags.contains(option.long) || values[option.long] != nil }
}

/// What the parser found the user asking for.
public enum ParseResult: Sendable, Equatable {
    case run(Invocation)
    case help([String])
    case version
}

public struct UsageError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var commandPath: [String]

    public var description: String {
        "\(message)\nRun '\((["logstream"] + commandPath).joined(separator: " ")) --help' for usage."
    }
}
