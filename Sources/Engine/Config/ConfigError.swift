/// A configuration problem; the CLI reports it and exits with status 2.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Where a setting's value came from, so errors can point at the right place.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case builtInDefault
    case file(String)
    case environment
    case flag(String)

    public var description: String {
        switch self {
        case .builtInDefault: return "the built-in default"
        case .file(let path): return "config file \(path)"
        case .environment: return "the environment"
        case .flag(let flag): return "option \(flag)"
        }
    }
}
