/// Turns CloudWatch events into Elasticsearch documents with Elastic Common Schema
/// field names, so Kibana and existing dashboards understand them:
///
///     @timestamp, message, event.id, event.ingested, cloud.provider, cloud.region,
///     aws.cloudwatch.log_group, aws.cloudwatch.log_stream, log.level
///
/// The message is always kept as CloudWatch returned it (empty ones included, cut only
/// beyond `maxMessageBytes` and then flagged), so nothing CloudWatch counts is missing.
/// A JSON object in the message is also written as fields under `jsonField`.
package struct DocumentBuilder: Sendable {
    /// The default source's region and (when known) account; a group of a `[[source]]`
    /// carries its own in its `GroupKey`, and its documents `logstream.source` too.
    var region: String
    var account: String?
    var options: DocumentOptions

    package init(region: String, account: String? = nil, options: DocumentOptions = DocumentOptions()) {
        self.region = region
        self.account = account
        self.options = options
    }

    func document(for event: LogEvent, logGroup: GroupKey, index: String) -> LogDocument {
        documents(for: [event], logGroup: logGroup, index: index)[0]
    }

    /// The documents of a page of events, written one after another into one buffer
    /// that they share, so that a bulk body of consecutive documents needs no copying.
    package func documents(for events: [LogEvent], logGroup: GroupKey, index: String) -> [LogDocument] {
        // Room for the whole page at once: an estimate that falls short doubles the buffer and
        // copies the page (measured: every page of a JSON-heavy corpus did, at 6 % short).
        // Per event: the message as written, its JSON fields (at most the message again), the
        // stream name, and the fixed fields and action line.
        let variable = events.reduce(0) { total, event in
            total + (event.encodedMessage?.count ?? event.messageUTF8.count * 2) + event.messageUTF8.count + event.logStream.utf8.count
        }
        let estimate = variable + events.count * (420 + index.utf8.count + 2 * logGroup.rawValue.utf8.count)
        var writer = JSONWriter(capacity: estimate)
        let text = PageText(region: logGroup.region ?? region, account: logGroup.account ?? account, key: logGroup,
                            source: logGroup.source, index: index)
        var state = PageState()
        var placed: [(timestamp: EpochMillis, lines: Range<Int>, sourceStart: Int, id: Range<Int>)] = []
        placed.reserveCapacity(events.count)
        // Borrowed in place, not copied: copying an event costs a retain per field, and so does
        // each borrow of a field or a constant; each is borrowed once per event, the constants
        // once per page. `events` and `text` are local `let`s, so their buffers and every
        // pointer into them live until the closures return.
        events.withUnsafeBufferPointer { events in
            text.bytes.withUnsafeBufferPointer { textBytes in
                let fixed = text.parts(of: textBytes)
                for event in events.indices {
                    let start = writer.bytes.count
                    let pointer = events.baseAddress! + event
                    let id = pointer.pointee.eventIdUTF8.withUnsafeBufferPointer { eventId in
                        pointer.pointee.messageUTF8.withUnsafeBufferPointer { message in
                            let (high, low) = DocumentID.hash(prefix: fixed.hashPrefix, eventId: eventId)
                            // The action line; the id is base64url, which needs no escaping.
                            writer.bytes.append(contentsOf: fixed.action)
                            let idStart = writer.bytes.count
                            DocumentID.append(high, low, to: &writer.bytes)
                            let id = idStart..<writer.bytes.count
                            // The action line's end and the source's start in one piece.
                            writer.raw("\"}}\n{\"@timestamp\":\"")
                            write(pointer, message: message, eventId: eventId, idHash: high, fixed: fixed, state: &state, into: &writer)
                            return id
                        }
                    }
                    writer.byte(UInt8(ascii: "\n"))
                    // The source starts after the id's closing `"}}` and the newline.
                    placed.append((pointer.pointee.timestamp, start..<writer.bytes.count, id.upperBound + 4, id))
                }
            }
        }
        let page = DocumentPage(storage: writer.bytes, index: index, logGroup: logGroup, viaAlias: true)
        return placed.map { place in
            LogDocument(page: page, lines: place.lines, sourceStart: place.sourceStart, idBytes: place.id, timestamp: place.timestamp)
        }
    }

    /// The parts of every document of a page that do not change from one to the next,
    /// escaped once, in one buffer.
    private struct PageText {
        let bytes: [UInt8]
        let action: Range<Int>
        /// From the closing quote of `event`'s last value to the `log_stream` value.
        let placement: Range<Int>
        /// `,"source":"account:region"` inside `logstream`, for a `[[source]]`'s documents.
        let sourceMember: Range<Int>
        /// The group's part of every document id's hash.
        let hashPrefix: Range<Int>

        /// `key`: the group's `GroupKey` (its ids are hashed after it).
        init(region: String, account: String?, key: GroupKey, source: String?, index: String) {
            var writer = JSONWriter()
            // Documents go to the group's stable name; should its alias vanish, the write
            // fails (index_not_found, held for an operator) instead of creating a plain
            // index of that name beside the real targets. Elasticsearch counts data stream
            // aliases as aliases here (`hasAlias`), and OpenSearch takes the flag too.
            writer.raw("{\"create\":{\"_index\":")
            writer.string(index)
            writer.raw(",\"require_alias\":true,\"_id\":\"")
            action = 0..<writer.bytes.count
            writer.raw("\"},\"cloud\":{\"provider\":\"aws\",\"region\":")
            writer.string(region)
            if let account {
                writer.raw(",\"account\":{\"id\":")
                writer.string(account)
                writer.byte(UInt8(ascii: "}"))
            }
            writer.raw("},\"aws\":{\"cloudwatch\":{\"log_group\":")
            writer.string(key.name)
            writer.raw(",\"log_stream\":")
            placement = action.upperBound..<writer.bytes.count
            if let source {
                writer.raw(",\"source\":")
                writer.string(source)
            }
            sourceMember = placement.upperBound..<writer.bytes.count
            writer.bytes.append(contentsOf: DocumentID.hashPrefix(logGroup: key.rawValue))
            hashPrefix = sourceMember.upperBound..<writer.bytes.count
            bytes = writer.bytes
        }

        struct Parts {
            let action, placement, sourceMember, hashPrefix: UnsafeBufferPointer<UInt8>
        }

        /// The parts within `bytes`, borrowed by the caller.
        func parts(of bytes: UnsafeBufferPointer<UInt8>) -> Parts {
            Parts(action: UnsafeBufferPointer(rebasing: bytes[action]), placement: UnsafeBufferPointer(rebasing: bytes[placement]),
                  sourceMember: UnsafeBufferPointer(rebasing: bytes[sourceMember]), hashPrefix: UnsafeBufferPointer(rebasing: bytes[hashPrefix]))
        }
    }

    /// What writing a page's documents keeps from one to the next.
    private struct PageState {
        var timestamps = Timestamp.DayCache()
        /// Lent to each message's field transcoder in turn.
        var fieldNames: [Range<Int>] = []
        private var lastStream = ""
        private var lastStreamJSON: [UInt8] = []

        /// Appends the stream name as JSON, escaped once for the events that share it
        /// (consecutive events mostly do).
        mutating func appendStream(_ stream: String, to bytes: inout [UInt8]) {
            if stream != lastStream || lastStreamJSON.isEmpty {
                var writer = JSONWriter()
                writer.string(stream)
                lastStream = stream
                lastStreamJSON = writer.bytes
            }
            lastStreamJSON.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
        }
    }

    private func write(_ event: UnsafePointer<LogEvent>, message: UnsafeBufferPointer<UInt8>, eventId: UnsafeBufferPointer<UInt8>,
                       idHash high: UInt64, fixed: PageText.Parts, state: inout PageState, into writer: inout JSONWriter) {
        // `{"@timestamp":"` is written with the action line.
        state.timestamps.append(event.pointee.timestamp, to: &writer.bytes)
        let originalBytes = message.count
        let truncated = originalBytes > options.maxMessageBytes
        if !truncated, event.pointee.encodedMessage != nil {
            writer.raw("\",\"message\":\"")
            // Borrowed where it lies (a copy of the slice would be retained and released).
            event.pointee.encodedMessage?.withUnsafeBufferPointer { writer.bytes.append(contentsOf: $0) }
            writer.raw("\",\"event\":{\"id\":\"")
        } else {
            writer.raw("\",\"message\":")
            writer.string(truncated ? Self.prefix(of: message, bytes: options.maxMessageBytes) : message)
            writer.raw(",\"event\":{\"id\":\"")
        }
        writer.contents(of: eventId)
        if let ingested = event.pointee.ingestionTime {
            writer.raw("\",\"ingested\":\"")
            state.timestamps.append(ingested, to: &writer.bytes)
        }
        // From the closing quote of the id or the ingestion time to the `log_stream` value.
        writer.bytes.append(contentsOf: fixed.placement)
        state.appendStream(event.pointee.logStream, to: &writer.bytes)
        writer.raw("}}")

        var dropped = 0
        var level: String?
        if let field = options.jsonField,
           let fields = MessageJSON.writeFields(of: message, as: field, maxDepth: options.maxDepth, maxFields: options.maxFields,
                                                names: &state.fieldNames, into: &writer) {
            dropped = fields.dropped
            level = fields.level
        }
        if let level = level ?? MessageLevel.fromLambdaPrefix(message) {
            writer.raw(",\"log\":{\"level\":")
            writer.string(level)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw(",\"logstream\":{\"id_hash\":")
        writer.integer(DocumentID.checksum(high: high))
        writer.bytes.append(contentsOf: fixed.sourceMember)
        if truncated {
            writer.raw(",\"truncated\":true,\"original_bytes\":")
            writer.integer(originalBytes)
        }
        if dropped > 0 {
            writer.raw(",\"json_fields_dropped\":")
            writer.integer(dropped)
        }
        writer.raw("}}")
    }

    /// The longest prefix of `utf8` within `limit` bytes that ends on a character boundary.
    static func prefix(of utf8: UnsafeBufferPointer<UInt8>, bytes limit: Int) -> UnsafeBufferPointer<UInt8> {
        guard utf8.count > limit else { return utf8 }
        var cut = max(0, limit)
        while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
        return UnsafeBufferPointer(rebasing: utf8[..<cut])
    }
}
