/// Turns CloudWatch events into Elasticsearch documents with Elastic Common Schema
/// field names, so Kibana and existing dashboards understand them:
///
///     @timestamp, message, event.id, event.ingested, cloud.provider, cloud.region,
///     aws.cloudwatch.log_group, aws.cloudwatch.log_stream
///
/// The message is always kept exactly as CloudWatch returned it, empty ones included,
/// so nothing CloudWatch counts is missing from Elasticsearch.
public struct DocumentBuilder: Sendable {
    public var region: String

    public init(region: String) {
        self.region = region
    }

    public func document(for event: LogEvent, logGroup: String, index: String) -> LogDocument {
        var writer = JSONWriter(capacity: event.message.utf8.count + 256)
        writer.raw("{\"@timestamp\":\"")
        Timestamp.append(event.timestamp, to: &writer.bytes)
        writer.raw("\",\"message\":")
        writer.string(event.message)
        writer.raw(",\"event\":{\"id\":")
        writer.string(event.eventId)
        if let ingested = event.ingestionTime {
            writer.raw(",\"ingested\":\"")
            Timestamp.append(ingested, to: &writer.bytes)
            writer.raw("\"")
        }
        writer.raw("},\"cloud\":{\"provider\":\"aws\",\"region\":")
        writer.string(region)
        writer.raw("},\"aws\":{\"cloudwatch\":{\"log_group\":")
        writer.string(logGroup)
        writer.raw(",\"log_stream\":")
        writer.string(event.logStream)
        writer.raw("}}}")
        return LogDocument(
            id: DocumentID.make(logGroup: logGroup, eventId: event.eventId),
            index: index, logGroup: logGroup, timestamp: event.timestamp, source: writer.bytes)
    }
}
