/// What Kibana makes of an Elasticsearch field type. Types of one family live together
/// peacefully (`long` and `integer` are both numbers, `text` and `keyword` both strings);
/// a field with types of two families across a data view is a "mapping conflict".
public enum FieldFamily: String, Sendable, Comparable, CaseIterable {
    case string, number, date, boolean, object, ip, geo, other

    init(type: String) {
        switch type {
        case "text", "keyword", "match_only_text", "wildcard", "constant_keyword", "version": self = .string
        case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long": self = .number
        case "date", "date_nanos": self = .date
        case "boolean": self = .boolean
        case "object", "nested", "flattened": self = .object
        case "ip": self = .ip
        case "geo_point", "geo_shape": self = .geo
        default: self = .other
        }
    }

    public static func < (lhs: FieldFamily, rhs: FieldFamily) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How a field of this family is pinned when it wins, with `type` the concrete type most
    /// of its documents have. Strings get what dynamic mapping gives them (text with a
    /// keyword), so the pinned field looks like its unpinned neighbours.
    func pinnedMapping(type: String) -> JSONValue {
        switch self {
        case .string where type == "text":
            return ["type": "text", "fields": ["keyword": ["type": "keyword", "ignore_above": 256]]]
        case .object:
            return ["type": "object"]
        default:
            return ["type": .string(type)]
        }
    }
}
