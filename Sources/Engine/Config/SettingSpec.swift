/// What kind of value a setting takes; drives parsing, validation and documentation.
public enum SettingKind: Sendable, Equatable {
    case text
    /// Comma-separated in the environment, an array (or a comma-separated string) in TOML.
    case list
    case integer(min: Int, max: Int)
    case boolean
    case url
    case path
    /// An Elasticsearch time value such as `1s`, `30s`, `5m` or `-1`.
    case timeValue
    case secret
    /// One of a few words.
    case choice([String])

    public var valueName: String {
        switch self {
        case .text, .secret: return "TEXT"
        case .list: return "LIST"
        case .integer: return "N"
        case .boolean: return "BOOL"
        case .url: return "URL"
        case .path: return "PATH"
        case .timeValue: return "INTERVAL"
        case .choice: return "WORD"
        }
    }
}

/// One configuration variable: its environment name, TOML key, default and documentation.
/// The catalog of these is the single source for parsing, `--help` and the man page; a test
/// holds the README's configuration table to it.
public struct SettingSpec: Sendable {
    public var name: String
    public var kind: SettingKind
    /// nil: unset unless given (required ones are checked by the command that needs them).
    public var defaultValue: String?
    public var summary: String
    public var category: String

    public var tomlKey: String { name.lowercased() }

    public init(_ name: String, _ kind: SettingKind, default defaultValue: String?, _ summary: String, category: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.category = category
    }
}
