/// One field whose type differs across the indices of `{prefix}-*`, and how it will be
/// settled: the family most *documents* have wins (not most indices), and the indices on
/// the other side are rebuilt with the winning type.
public struct MappingConflict: Sendable, Equatable {
    public var field: String
    /// Concrete type → indices that map the field so.
    public var typesByIndex: [String: [String]]
    /// Documents that have the field, per family.
    public var votes: [FieldFamily: Int] = [:]
    var winner: FieldFamily = .other
    public var winningType = ""
    public var losingIndices: [String] = []

    var families: Set<FieldFamily> { Set(typesByIndex.keys.map(FieldFamily.init(type:))) }

    /// The votes for people: `number=3 string=5`.
    public func votesText(separator: String = " ") -> String {
        votes.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: separator)
    }

    /// Fields with types of more than one family, from a `_field_caps` answer (where a type
    /// without an `indices` list covers every index of the answer).
    static func detect(fieldCaps: JSONValue) -> [MappingConflict] {
        let allIndices = (fieldCaps["indices"]?.array ?? []).compactMap(\.string)
        var conflicts: [MappingConflict] = []
        for field in fieldCaps["fields"]?.members ?? [] where !field.key.hasPrefix("_") {
            let types = field.value.members ?? []
            guard types.count > 1 else { continue }
            var byType: [String: [String]] = [:]
            for type in types where type.key != "unmapped" {
                byType[type.key] = (type.value["indices"]?.array?.compactMap(\.string) ?? allIndices).sorted()
            }
            let conflict = MappingConflict(field: field.key, typesByIndex: byType)
            if conflict.families.count > 1 { conflicts.append(conflict) }
        }
        return conflicts.sorted { $0.field < $1.field }
    }

    /// Settles the conflict from the documents per index that have the field.
    mutating func decide(documents: [String: Int]) {
        var byFamily: [FieldFamily: Int] = [:]
        var byType: [String: Int] = [:]
        for (type, indices) in typesByIndex {
            let count = indices.reduce(0) { $0 + (documents[$1] ?? 0) }
            byFamily[FieldFamily(type: type), default: 0] += count
            byType[type, default: 0] += count
        }
        votes = byFamily
        // Most documents; on a tie the family sorted first, so every run decides alike.
        winner = byFamily.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? .other
        winningType = byType.filter { FieldFamily(type: $0.key) == winner }
            .max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? ""
        losingIndices = typesByIndex.filter { FieldFamily(type: $0.key) != winner }.flatMap(\.value).sorted()
    }
}
