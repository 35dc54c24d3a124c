/// One record a CloudWatch Logs subscription filter put into a Kinesis data stream: gzip-
/// compressed JSON (GetRecords answers it base64-encoded in `Data`). `CONTROL_MESSAGE`
/// records (CloudWatch checking that it can write to the stream) carry no events;
/// `DATA_MESSAGE` records carry events of one group and stream, each with the same `id`
/// FilterLogEvents gives it as `eventId` — so a document has the same `_id` whichever way
/// its event was read (AWS's subscription examples show the 56-digit event ids; the rig's
/// moto sends its FilterLogEvents ids, as numbers).
struct SubscriptionRecord: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case data
        case control
    }

    var kind: Kind
    /// The account the group belongs to.
    var owner: String
    var logGroup: String
    var logStream: String
    var events: [LogEvent]

    struct Malformed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "a subscription record could not be read: \(reason)" }
    }

    /// Reads a record's bytes (gzip, as CloudWatch writes them). `arrival` (the record's
    /// ApproximateArrivalTimestamp, in milliseconds) stands in for each event's ingestion
    /// time, which subscription events do not carry.
    static func decode(_ data: [UInt8], arrival: EpochMillis?) throws -> SubscriptionRecord {
        let json: JSONValue
        do {
            json = try JSONParser().parse(try Gzip.decompress(data))
        } catch {
            throw Malformed(reason: "not gzip-compressed JSON (\(error))")
        }
        switch json["messageType"]?.string {
        case "CONTROL_MESSAGE":
            return SubscriptionRecord(kind: .control, owner: json["owner"]?.string ?? "", logGroup: json["logGroup"]?.string ?? "",
                                      logStream: json["logStream"]?.string ?? "", events: [])
        case "DATA_MESSAGE":
            break
        default:
            throw Malformed(reason: "messageType is \(json["messageType"]?.string ?? "missing")")
        }
        guard let owner = json["owner"]?.string, let group = json["logGroup"]?.string, let stream = json["logStream"]?.string,
              let items = json["logEvents"]?.array else {
            throw Malformed(reason: "a DATA_MESSAGE without owner, logGroup, logStream or logEvents")
        }
        var events: [LogEvent] = []
        events.reserveCapacity(items.count)
        for item in items {
            // The id is a string in AWS's records; moto writes a number.
            guard let id = item["id"]?.string ?? item["id"]?.int64.map(String.init), let timestamp = item["timestamp"]?.int64,
                  let message = item["message"]?.string else {
                throw Malformed(reason: "an event of \(group) without id, timestamp or message")
            }
            events.append(LogEvent(eventId: id, timestamp: timestamp, ingestionTime: arrival, message: message, logStream: stream))
        }
        return SubscriptionRecord(kind: .data, owner: owner, logGroup: group, logStream: stream, events: events)
    }
}
