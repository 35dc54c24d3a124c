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
    /// Where to listen: `HOST:PORT` (`ListenAddress`).
    case address

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
        case .address: return "HOST:PORT"
        }
    }
}

/// One configuration variable: its environment name, TOML key, default, documentation, and
/// where its value goes in `Settings`. The catalog of these is the single source for
/// parsing, `--help` and the man page; a test holds the README's configuration table to it,
/// and another checks that every field of `Settings` is written by one of them.
public struct SettingSpec: Sendable {
    public var name: String
    public var kind: SettingKind
    /// nil: unset unless given (required ones are checked by the command that needs them).
    public var defaultValue: String?
    public var summary: String
    var category: String
    /// Parses the setting's resolved text as `kind` says and stores it in its field.
    let apply: @Sendable (SettingInput, inout Settings) throws -> Void

    var tomlKey: String { name.lowercased() }

    /// A setting whose parsed value needs more than storing (a word to an enum, a check
    /// against other fields): `apply` does it.
    init(_ name: String, _ kind: SettingKind, default defaultValue: String?, _ summary: String, category: String,
         apply: @escaping @Sendable (SettingInput, inout Settings) throws -> Void) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.category = category
        self.apply = apply
    }

    /// A setting stored as it parses: `Value` says how (an integer, text by the spec's kind, a
    /// flag, a list; optional where it may be unset).
    init<Value: SettingValue>(_ name: String, _ kind: SettingKind, default defaultValue: String?, _ summary: String, category: String,
                              into field: WritableKeyPath<Settings, Value> & Sendable) {
        self.init(name, kind, default: defaultValue, summary, category: category) { input, settings in
            settings[keyPath: field] = try Value.parse(input)
        }
    }
}

/// A type a setting's text parses into.
protocol SettingValue: Sendable {
    static func parse(_ input: SettingInput) throws -> Self
}

/// A type a setting that may be unset parses into (as an optional).
protocol OptionalSettingValue: Sendable {
    static func parseIfSet(_ input: SettingInput) throws -> Self?
}

extension Int: SettingValue, OptionalSettingValue {
    static func parse(_ input: SettingInput) throws -> Int { try input.integer() }
    static func parseIfSet(_ input: SettingInput) throws -> Int? { try input.optionalInteger() }
}

/// `.text`, `.secret`, `.path`, `.url`, `.timeValue` or `.choice`, checked as the kind says.
extension String: SettingValue, OptionalSettingValue {
    static func parse(_ input: SettingInput) throws -> String { try input.string() }
    static func parseIfSet(_ input: SettingInput) throws -> String? { try input.optionalString() }
}

extension Bool: SettingValue {
    static func parse(_ input: SettingInput) throws -> Bool { try input.boolean() }
}

extension Array: SettingValue where Element == String {
    static func parse(_ input: SettingInput) throws -> [String] { input.list() }
}

extension Optional: SettingValue where Wrapped: OptionalSettingValue {
    static func parse(_ input: SettingInput) throws -> Wrapped? { try Wrapped.parseIfSet(input) }
}
