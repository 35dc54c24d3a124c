import Foundation
import TOMLKit

/// Reads `config.toml`. Keys are the setting names in lower case (`batch_size`) or as
/// in the environment (`BATCH_SIZE`); unknown keys are an error, so typos are caught.
enum ConfigFile {
    static func load(path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read config file \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        let text = String(decoding: data, as: UTF8.self)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError("config file \(path) is not valid TOML (\(error.source.begin.debugDescription)): \(error.description)")
        }
        var values: [String: String] = [:]
        for key in table.keys.sorted() where key != "source" {
            guard let spec = SettingsCatalog.all.first(where: { $0.tomlKey == key.lowercased() }) else {
                let hint = Suggestion.closest(to: key.lowercased(), among: SettingsCatalog.all.map(\.tomlKey)).map { "; did you mean '\($0)'?" } ?? ""
                throw ConfigError("config file \(path): unknown setting '\(key)'\(hint)")
            }
            guard let value = table[key] else { continue }
            values[spec.name] = try textValue(of: value, key: key, path: path)
        }
        return values
    }

    /// The file's `[[source]]` tables (none when it has none).
    static func sources(path: String) throws -> [SourceConfig] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
        } catch let error as TOMLParseError {
            throw ConfigError("config file \(path) is not valid TOML (\(error.source.begin.debugDescription)): \(error.description)")
        }
        guard let value = table["source"] else { return [] }
        return try SourceConfig.read(value, path: path)
    }

    private static func textValue(of value: TOMLValueConvertible, key: String, path: String) throws -> String {
        if let string = value.string { return string }
        if let int = value.int { return String(int) }
        if let bool = value.bool { return bool ? "true" : "false" }
        if let array = value.array {
            var items: [String] = []
            for item in array {
                guard let string = item.string else {
                    throw ConfigError("config file \(path): '\(key)' must be a list of strings")
                }
                items.append(string)
            }
            return items.joined(separator: ",")
        }
        throw ConfigError("config file \(path): '\(key)' has an unsupported value type; use a string, number, boolean or list of strings")
    }
}
