/// Turns CloudWatch events into Elasticsearch documents with Elastic Common Schema
/// field names, so Kibana and existing dashboards understand them:
///
///     @timestamp, message, event.id, event.ingested, cloud.provider, cloud.region,
///     aws.cloudwatch.log_group, aws.cloudwatch.log_stream, log.level
///
/// The message is always kept as CloudWatch returned it (empty ones included, cut only
/// beyond `maxMessageBytes` and then flagged), so nothing CloudWatch counts is missing.
/// A JSON object in the message is also written as fields under `jsonField`.
public struct DocumentBuilder: Sendable {
    public var region: String
    public var options: DocumentOptions

    public init(region: String, options: DocumentOptions = DocumentOptions()) {
        self.region = region
        self.options = options
    }

    public func document(for event: LogEvent, logGroup: String, index: String) -> LogDocument {
        var message = event.message
        return message.withUTF8 { document(for: event, message: $0, logGroup: logGroup, index: index) }
    }

    private func document(for event: LogEvent, message: UnsafeBufferPointer<UInt8>, logGroup: String, index: String) -> LogDocument {
        let jsonStart = options.jsonField == nil ? nil : MessageJSON.locate(message)
        var writer = JSONWriter(capacity: message.count * (jsonStart == nil ? 1 : 2) + 320)
        writer.raw("{\"@timestamp\":\"")
        Timestamp.append(event.timestamp, to: &writer.bytes)
        writer.raw("\",\"message\":")
        let originalBytes = message.count
        let truncated = originalBytes > options.maxMessageBytes
        if let encoded = event.encodedMessage, !truncated {
            writer.byte(UInt8(ascii: "\""))
            writer.bytes.append(contentsOf: encoded)
            writer.byte(UInt8(ascii: "\""))
        } else {
            writer.string(truncated ? Self.prefix(of: message, bytes: options.maxMessageBytes) : message)
        }
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
        writer.raw("}}")

        var dropped = 0
        var level: String?
        if let jsonStart, let field = options.jsonField {
            writer.byte(UInt8(ascii: ","))
            writer.string(field)
            writer.byte(UInt8(ascii: ":"))
            var fields = JSONFieldTranscoder(maxDepth: options.maxDepth, maxFields: options.maxFields)
            var scanner = JSONScanner(message, position: jsonStart)
            fields.writeObject(&scanner, depth: 0, into: &writer)
            dropped = fields.dropped
            level = fields.level
        }
        if let level = level ?? MessageLevel.fromLambdaPrefix(message) {
            writer.raw(",\"log\":{\"level\":")
            writer.string(level)
            writer.byte(UInt8(ascii: "}"))
        }
        let (high, low) = DocumentID.hash(logGroup: logGroup, eventId: event.eventId)
        writer.raw(",\"logstream\":{\"id_hash\":")
        writer.integer(high >> 33)
        if truncated {
            writer.raw(",\"truncated\":true,\"original_bytes\":")
            writer.integer(originalBytes)
        }
        if dropped > 0 {
            writer.raw(",\"json_fields_dropped\":")
            writer.integer(dropped)
        }
        writer.raw("}}")
        return LogDocument(
            id: DocumentID.encode(high, low),
            index: index, logGroup: logGroup, timestamp: event.timestamp, source: writer.bytes)
    }

    /// The longest prefix of `utf8` within `limit` bytes that ends on a character boundary.
    static func prefix(of utf8: UnsafeBufferPointer<UInt8>, bytes limit: Int) -> UnsafeBufferPointer<UInt8> {
        guard utf8.count > limit else { return utf8 }
        var cut = max(0, limit)
        while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
        return UnsafeBufferPointer(rebasing: utf8[..<cut])
    }
}
