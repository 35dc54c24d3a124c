import Engine

/// How a shell should complete an option's value.
public enum CompletionKind: Sendable, Equatable {
    case none
    case file
    case choices([String])
}

/// One command-line option. `setting` ties it to a configuration variable, which gives
/// it its value name, default and documentation.
public struct OptionSpec: Sendable {
    public var long: String
    public var short: Character?
    public var valueName: String?
    public var help: String
    public var setting: String?
    public var completion: CompletionKind

    public init(_ long: String, short: Character? = nil, value valueName: String? = nil, _ help: String,
                setting: String? = nil, completion: CompletionKind = .none) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.setting = setting
        self.completion = completion
    }

    /// An option that sets a configuration variable from the catalog.
    public static func setting(_ long: String, _ name: String, completion: CompletionKind = .none) -> OptionSpec {
        let spec = SettingsCatalog.spec(named: name)
        return OptionSpec(long, value: spec?.kind.valueName ?? "VALUE", spec?.summary ?? name, setting: name, completion: completion)
    }

    public var takesValue: Bool { valueName != nil }
}

public struct ArgumentSpec: Sendable {
    public var name: String
    public var help: String
    public var optional: Bool

    public init(_ name: String, _ help: String, optional: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
    }
}

/// One command or subcommand, with everything needed to parse it and to document it.
public struct CommandSpec: Sendable {
    /// Runs the command: its exit status, or a thrown usage, configuration or runtime error.
    public typealias Run = @Sendable (Invocation, [String: String]) async throws -> Int32

    public var name: String
    public var summary: String
    public var details: String
    public var options: [OptionSpec]
    public var arguments: [ArgumentSpec]
    public var subcommands: [CommandSpec]
    public var examples: [String]
    /// nil for a command that only groups subcommands (`checkpoint`).
    public var run: Run?

    public init(_ name: String, summary: String, details: String = "", options: [OptionSpec] = [],
                arguments: [ArgumentSpec] = [], subcommands: [CommandSpec] = [], examples: [String] = [], run: Run? = nil) {
        self.run = run
        self.name = name
        self.summary = summary
        self.details = details
        self.options = options
        self.arguments = arguments
        self.subcommands = subcommands
        self.examples = examples
    }

    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    /// The command at `path` below this one (`["checkpoint", "show"]`).
    public func command(at path: [String]) -> CommandSpec? {
        path.reduce(Optional(self)) { $0?.subcommand(named: $1) }
    }
}
