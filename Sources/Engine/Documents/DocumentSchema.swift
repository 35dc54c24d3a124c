/// The fields of a logstream document, in one place: what `DocumentBuilder` writes, what
/// `IndexTemplate` maps, and what reconcile, heal, the presence lookup and the group
/// filters read. `DocumentSchemaTests` holds the builder and the template to this list.
public enum DocumentSchema {
    public static let timestamp = "@timestamp"
    public static let message = "message"
    public static let eventID = "event.id"
    public static let ingested = "event.ingested"
    public static let logGroup = "aws.cloudwatch.log_group"
    public static let logStream = "aws.cloudwatch.log_stream"
    public static let cloudProvider = "cloud.provider"
    public static let cloudRegion = "cloud.region"
    public static let cloudAccount = "cloud.account.id"
    public static let level = "log.level"
    /// The 31-bit hash of the event id whose sum is reconcile's checksum of a window.
    public static let idHash = "logstream.id_hash"
    /// The `[[source]]` a document was read through (absent for the default source).
    public static let source = "logstream.source"
    /// Values the mapping refused, kept as text by the safe form.
    public static let conflicts = "logstream.conflicts"

    /// Every document has these (the rest depend on the event and the source).
    public static let always = [timestamp, message, eventID, logGroup, logStream, cloudProvider, cloudRegion, idHash]

    /// Top-level names logstream's own fields live under: the safe form never moves them,
    /// and JSON_FIELD may not be one of them.
    public static let reservedTopLevel: Set<String> = ["@timestamp", "message", "event", "cloud", "aws", "log", "logstream"]
}
