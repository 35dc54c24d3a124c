/// The fields of a logstream document, in one place: what `DocumentBuilder` writes, what
/// `IndexTemplate` maps, and what reconcile, heal, the presence lookup and the group
/// filters read. `DocumentSchemaTests` holds the builder and the template to this list.
enum DocumentSchema {
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
    /// Values the mapping refused, kept as text by the safe form.
    static let conflicts = "logstream.conflicts"

    /// Every document has these (the rest depend on the event and the source).
    static let always = [timestamp, message, eventID, logGroup, logStream, cloudProvider, cloudRegion, idHash]

    /// Top-level names logstream's own fields live under: the safe form never moves them,
    /// and JSON_FIELD may not be one of them.
    static let reservedTopLevel: Set<String> = ["@timestamp", "message", "event", "cloud", "aws", "log", "logstream"]
}
