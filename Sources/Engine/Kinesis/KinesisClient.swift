import Foundation

/// Signed JSON 1.1 calls to Kinesis Data Streams: a stream's shards, an iterator on one, and
/// its records — what reading a CloudWatch Logs subscription takes. Every call goes through
/// the retry policy's loop; Kinesis' own per-shard limits answer as busy and are waited out.
final class KinesisClient: Sendable {
    let transport: HTTPTransport
    let endpoint: String
    let region: String
    let credentials: CredentialsProvider
    let timeoutSeconds: Double
    let retry: RetryPolicy

    init(transport: HTTPTransport, endpoint: String, region: String, credentials: CredentialsProvider, timeoutSeconds: Double, retry: RetryPolicy) {
        self.transport = transport
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
    }

    /// One shard as ListShards describes it.
    struct Shard: Sendable, Equatable {
        var id: String
        var parent: String?
        var adjacentParent: String?
        /// Set once the shard is closed (split or merged): read to its end, then its children.
        var endingSequence: String?
    }

    /// Where a new iterator starts.
    enum Start: Sendable, Equatable {
        case after(sequence: String)
        case trimHorizon
        case latest
    }

    /// One record as GetRecords answers it.
    struct Record: Sendable, Equatable {
        var data: [UInt8]
        var sequence: String
        /// ApproximateArrivalTimestamp, in milliseconds.
        var arrival: EpochMillis?
    }

    struct Page: Sendable, Equatable {
        var records: [Record]
        /// nil once a closed shard has been read to its end.
        var next: String?
        var millisBehindLatest: Int64?
    }

    func shards(stream: String) async throws -> [Shard] {
        var shards: [Shard] = []
        var token: String?
        repeat {
            let body: JSONValue = token.map { ["NextToken": .string($0)] } ?? ["StreamName": .string(stream)]
            let answer = try await call("ListShards", body, stream: stream)
            for shard in answer["Shards"]?.array ?? [] {
                guard let id = shard["ShardId"]?.string else { continue }
                shards.append(Shard(id: id, parent: shard["ParentShardId"]?.string, adjacentParent: shard["AdjacentParentShardId"]?.string,
                                    endingSequence: shard["SequenceNumberRange"]?["EndingSequenceNumber"]?.string))
            }
            token = answer["NextToken"]?.string
        } while token != nil
        return shards
    }

    func iterator(stream: String, shard: String, start: Start) async throws -> String {
        var body: [JSONMember] = [JSONMember("StreamName", .string(stream)), JSONMember("ShardId", .string(shard))]
        switch start {
        case .after(let sequence):
            body += [JSONMember("ShardIteratorType", "AFTER_SEQUENCE_NUMBER"), JSONMember("StartingSequenceNumber", .string(sequence))]
        case .trimHorizon:
            body.append(JSONMember("ShardIteratorType", "TRIM_HORIZON"))
        case .latest:
            body.append(JSONMember("ShardIteratorType", "LATEST"))
        }
        guard let iterator = try await call("GetShardIterator", .object(body), stream: stream)["ShardIterator"]?.string else {
            throw KinesisError(operation: "GetShardIterator", code: "MissingShardIterator", message: "the answer carried no iterator", status: 200, stream: stream)
        }
        return iterator
    }

    func records(stream: String, iterator: String, limit: Int = 10_000) async throws -> Page {
        let answer = try await call("GetRecords", ["ShardIterator": .string(iterator), "Limit": .int(Int64(limit))], stream: stream)
        var records: [Record] = []
        for record in answer["Records"]?.array ?? [] {
            guard let sequence = record["SequenceNumber"]?.string, let text = record["Data"]?.string,
                  let data = Data(base64Encoded: text) else {
                throw KinesisError(operation: "GetRecords", code: "MalformedRecord", message: "a record without its sequence number or base64 data",
                                   status: 200, stream: stream)
            }
            let arrival = record["ApproximateArrivalTimestamp"]?.double.map { EpochMillis(($0 * 1000).rounded()) }
            records.append(Record(data: [UInt8](data), sequence: sequence, arrival: arrival))
        }
        return Page(records: records, next: answer["NextShardIterator"]?.string, millisBehindLatest: answer["MillisBehindLatest"]?.int64)
    }

    func call(_ operation: String, _ body: JSONValue, stream: String) async throws -> JSONValue {
        try await retry.run(giveUp: { last, why, _ in
            last ?? KinesisError(operation: operation, code: "RetriesExhausted", message: why, status: 0, stream: stream)
        }, retrying: { failure, why, attempt in
            // A shard's five reads a second are shared by every consumer of the stream: being
            // told to wait is routine, said at debug (a reader that falls behind shows in
            // logstream_kinesis_millis_behind).
            if failure == .busy {
                Log.debug("kinesis asked to wait, retrying", ("op", operation), ("stream", stream), ("error", why), ("attempt", attempt))
            } else {
                Log.warn("kinesis call failed, retrying", ("op", operation), ("stream", stream), ("error", why), ("attempt", attempt))
            }
        }) {
            let signing = AWSSigning(region: region, service: "kinesis", credentials: try await credentials.credentials())
            let request = HTTPRequest.awsJSON(endpoint: endpoint, target: "Kinesis_20131202.\(operation)", body: body, signing: signing, timeoutSeconds: timeoutSeconds)
            let response = try await transport.send(request)
            guard response.status == 200 else { throw KinesisError.from(response, operation: operation, stream: stream) }
            return .done(try JSONParser().parse(response.body))
        }
    }
}
