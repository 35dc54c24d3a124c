/// The fields of a logstream document, as one table: each field's path, its mapping, and
/// whether every document has it. `IndexTemplate` maps exactly this table; `DocumentBuilder`,
/// the safe form, reconcile, heal, the presence lookup and the group filters name fields
/// only through it. `DocumentSchemaTests` holds the builder to the table (it writes every
/// field and no other of its own) and the rest of the sources to naming none by hand.
enum DocumentSchema {
    struct Field: Sendable {
        var path: String
        var mapping: JSONValue
        /// On every document (the rest depend on the event, the source, or a rewrite).
        var always: Bool
    }

    static let timestamp = "@timestamp"
    static let message = "message"
    static let eventID = "event.id"
    static let ingested = "event.ingested"
    static let logGroup = "aws.cloudwatch.log_group"
    static let logStream = "aws.cloudwatch.log_stream"
    static let cloudProvider = "cloud.provider"
    static let cloudRegion = "cloud.region"
    static let cloudAccount = "cloud.account.id"
    static let level = "log.level"
    /// The 31-bit hash of the event id whose sum is reconcile's checksum of a window.
    static let idHash = "logstream.id_hash"
    /// The `[[source]]` a document was read through (absent for the default source).
    static let source = "logstream.source"
    /// A message cut to MAX_MESSAGE_BYTES (or cut down for a cluster's body limit), and its size before.
    static let truncated = "logstream.truncated"
    static let originalBytes = "logstream.original_bytes"
    /// Fields of the message's JSON left out (MAX_JSON_FIELDS, depth).
    static let jsonFieldsDropped = "logstream.json_fields_dropped"
    /// Values the mapping refused, kept as text by the safe form: one entry per value.
    static let conflicts = "logstream.conflicts"
    static let conflictField = "logstream.conflicts.field"
    static let conflictValue = "logstream.conflicts.value"
    static let conflictReason = "logstream.conflicts.reason"

    static let fields: [Field] = {
        let keyword: JSONValue = ["type": "keyword"]
        let date: JSONValue = ["type": "date"]
        return [
            Field(path: timestamp, mapping: date, always: true),
            Field(path: message, mapping: ["type": "text"], always: true),
            Field(path: eventID, mapping: keyword, always: true),
            Field(path: ingested, mapping: date, always: false),
            Field(path: cloudProvider, mapping: keyword, always: true),
            Field(path: cloudRegion, mapping: keyword, always: true),
            Field(path: cloudAccount, mapping: keyword, always: false),
            Field(path: logGroup, mapping: keyword, always: true),
            Field(path: logStream, mapping: keyword, always: true),
            Field(path: level, mapping: keyword, always: false),
            Field(path: idHash, mapping: ["type": "long"], always: true),
            Field(path: source, mapping: keyword, always: false),
            Field(path: truncated, mapping: ["type": "boolean"], always: false),
            Field(path: originalBytes, mapping: ["type": "long"], always: false),
            Field(path: jsonFieldsDropped, mapping: ["type": "long"], always: false),
            Field(path: conflictField, mapping: keyword, always: false),
            Field(path: conflictValue, mapping: ["type": "keyword", "ignore_above": 8191], always: false),
            Field(path: conflictReason, mapping: ["type": "keyword", "ignore_above": 1024], always: false),
        ]
    }()

    /// Every document has these (the rest depend on the event and the source).
    static let always = fields.filter(\.always).map(\.path)

    /// The template's mappings: every field of the table at its path.
    static var mappings: JSONValue {
        IndexTemplate.pinned(["properties": [:]], Dictionary(uniqueKeysWithValues: fields.map { ($0.path, $0.mapping) }))
    }

    /// Top-level names logstream's own fields live under: the safe form never moves them,
    /// and JSON_FIELD may not be one of them.
    static let reservedTopLevel: Set<String> = Set(fields.map { String($0.path.prefix { $0 != "." }) })

    /// A field's name inside its parent object (`logstream.truncated` → `truncated`).
    static func leaf(_ path: String) -> String {
        path == timestamp ? path : String(path.split(separator: ".").last ?? "")
    }

    /// The value at `path` in a document's source.
    static func value(at path: String, in document: JSONValue) -> JSONValue? {
        path == timestamp ? document[path] : path.split(separator: ".").reduce(Optional(document)) { $0?[String($1)] }
    }
}
