/// Rewrites a document Elasticsearch refused for its mapping into a form that keeps
/// every byte of data but cannot conflict: the offending field is moved out of the
/// dynamic part into `logstream.conflicts` as JSON text (mapped as keyword by the
/// template), with the reason. When the field cannot be pinned down, or after
/// `fieldRounds` attempts (several fields can conflict in one document), every dynamic
/// field moves there instead; `message` still holds the original text either way.
enum SafeForm {
    static let fieldRounds = 3

    /// nil when nothing is left to move: the caller dead-letters the document.
    static func rewrite(_ document: LogDocument, reason: String) -> LogDocument? {
        guard document.safeFormRounds <= fieldRounds else { return nil }
        guard case .object(var members)? = try? JSONParser().parse(document.source) else { return nil }
        let fixed = reservedFields
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
        var conflicts: [JSONValue] = members.first { $0.key == Self.own }?.value[Self.conflicts]?.array ?? []
        for (path, value) in moved {
            conflicts.append(.object([
                JSONMember(DocumentSchema.leaf(DocumentSchema.conflictField), .string(path)),
                JSONMember(DocumentSchema.leaf(DocumentSchema.conflictValue), .string(value.serializedString)),
                JSONMember(DocumentSchema.leaf(DocumentSchema.conflictReason), .string(String(reason.prefix(500)))),
            ]))
        }
        var logstream = members.first { $0.key == Self.own }?.value.members ?? []
        logstream.removeAll { $0.key == Self.conflicts }
        logstream.append(JSONMember(Self.conflicts, .array(conflicts)))
        members.removeAll { $0.key == Self.own }
        members.append(JSONMember(Self.own, .object(logstream)))
        var rewritten = document.replacingSource(JSONValue.object(members).serialized)
        rewritten.safeFormRounds += 1
        return rewritten
    }

    /// The top-level fields logstream writes itself; everything else came from the message.
    static let reservedFields = DocumentSchema.reservedTopLevel
    /// The object logstream's own fields live in, and the names the safe form writes there.
    private static let own = String(DocumentSchema.conflicts.prefix { $0 != "." })
    private static let conflicts = DocumentSchema.leaf(DocumentSchema.conflicts)
    private static let truncated = DocumentSchema.leaf(DocumentSchema.truncated)
    private static let originalBytes = DocumentSchema.leaf(DocumentSchema.originalBytes)

    /// A message is not cut below this: a document still too large at that size is dead-lettered.
    static let minimumMessageBytes = 256

    /// A document the cluster refuses as too large on its own (HTTP 413 for a request of
    /// one): the fields parsed from the message and any conflict records are dropped, the
    /// message is cut to half (at a character boundary), and the document is flagged
    /// `logstream.truncated` with the message's original size. The whole event stays in
    /// CloudWatch. nil once nothing is left to cut: the caller dead-letters it.
    static func cutDown(_ document: LogDocument) -> LogDocument? {
        guard case .object(var members)? = try? JSONParser().parse(document.source) else { return nil }
        let dropped = members.contains { !reservedFields.contains($0.key) }
        members.removeAll { !reservedFields.contains($0.key) }
        let message = Array((members.first { $0.key == DocumentSchema.message }?.value.string ?? "").utf8)
        guard dropped || message.count > minimumMessageBytes else { return nil }
        let keep = dropped ? message.count : max(minimumMessageBytes, message.count / 2)
        let cut = message.withUnsafeBufferPointer { Array(DocumentBuilder.prefix(of: $0, bytes: keep)) }
        var logstream = members.first { $0.key == Self.own }?.value.members ?? []
        let original = logstream.first { $0.key == Self.originalBytes }?.value.int ?? message.count
        logstream.removeAll { [Self.conflicts, Self.truncated, Self.originalBytes].contains($0.key) }
        logstream.append(JSONMember(Self.truncated, .bool(true)))
        logstream.append(JSONMember(Self.originalBytes, .int(Int64(original))))
        members.removeAll { $0.key == Self.own || $0.key == DocumentSchema.message }
        members.append(JSONMember(DocumentSchema.message, .string(String(decoding: cut, as: UTF8.self))))
        members.append(JSONMember(Self.own, .object(logstream)))
        return document.replacingSource(JSONValue.object(members).serialized)
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
