/// Rewrites a document Elasticsearch refused for its mapping into a form that keeps
/// every byte of data but cannot conflict: the offending field is moved out of the
/// dynamic part into `logstream.conflicts` as JSON text (mapped as keyword by the
/// template), with the reason. When the field cannot be pinned down, or after
/// `fieldRounds` attempts (several fields can conflict in one document), every dynamic
/// field moves there instead; `message` still holds the original text either way.
public enum SafeForm {
    public static let fieldRounds = 3

    /// nil when nothing is left to move: the caller dead-letters the document.
    public static func rewrite(_ document: LogDocument, reason: String) -> LogDocument? {
        guard document.safeFormRounds <= fieldRounds else { return nil }
        guard case .object(var members)? = try? JSONParser().parse(document.source) else { return nil }
        let fixed: Set<String> = ["@timestamp", "message", "event", "cloud", "aws", "log", "logstream"]
        var moved: [(path: String, value: JSONValue)] = []
        for candidate in bracketedNames(in: reason) where document.safeFormRounds < fieldRounds {
            let path = candidate.split(separator: ".").map(String.init)
            guard let root = path.first, !fixed.contains(root) else { continue }
            if let value = remove(path: path[...], from: &members) {
                moved.append((candidate, value))
                break
            }
        }
        if moved.isEmpty {
            // Not attributable to one field (e.g. the index's field limit): move every dynamic field.
            let dynamic = members.filter { !fixed.contains($0.key) }
            guard !dynamic.isEmpty else { return nil }
            members.removeAll { !fixed.contains($0.key) }
            moved = dynamic.map { ($0.key, $0.value) }
        }
        var conflicts: [JSONValue] = members.first { $0.key == "logstream" }?.value["conflicts"]?.array ?? []
        for (path, value) in moved {
            conflicts.append(["field": .string(path), "value": .string(value.serializedString), "reason": .string(String(reason.prefix(500)))])
        }
        var logstream = members.first { $0.key == "logstream" }?.value.members ?? []
        logstream.removeAll { $0.key == "conflicts" }
        logstream.append(JSONMember("conflicts", .array(conflicts)))
        members.removeAll { $0.key == "logstream" }
        members.append(JSONMember("logstream", .object(logstream)))
        var rewritten = document.replacingSource(JSONValue.object(members).serialized)
        rewritten.safeFormRounds += 1
        return rewritten
    }

    /// `failed to parse field [json.status] of type [long]` → ["json.status", "long"].
    static func bracketedNames(in reason: String) -> [String] {
        var names: [String] = []
        var rest = Substring(reason)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let name = String(rest[rest.index(after: open)..<close])
            if !name.isEmpty && !names.contains(name) { names.append(name) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Removes the value at `path`, where one key may itself contain dots (`log.level`).
    static func remove(path: ArraySlice<String>, from members: inout [JSONMember]) -> JSONValue? {
        guard !path.isEmpty else { return nil }
        for split in stride(from: path.count, through: 1, by: -1) {
            let key = path.prefix(split).joined(separator: ".")
            guard let index = members.firstIndex(where: { $0.key == key }) else { continue }
            if split == path.count {
                return members.remove(at: index).value
            }
            guard case .object(var children) = members[index].value else { continue }
            if let value = remove(path: path.dropFirst(split), from: &children) {
                members[index].value = .object(children)
                return value
            }
        }
        return nil
    }
}
