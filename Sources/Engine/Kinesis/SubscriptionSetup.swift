/// `logstream subscribe`: the subscription filters that deliver each group of a source read
/// through Kinesis (KINESIS_STREAM, a `[[source]]`'s `kinesis_stream`) to its stream. A
/// filter logstream made is named `logstream-<stream>`; a filter of any other name is never
/// replaced, and a group that already has two (CloudWatch's limit per group) is said and
/// left as it is.
public struct SubscriptionStep: Sendable, Equatable {
    public enum Action: String, Sendable {
        case subscribed, wouldSubscribe = "would subscribe", alreadySubscribed = "already subscribed", updated, wouldUpdate = "would update"
        case refused, failed
    }

    public var source: String
    public var group: String
    public var stream: String
    public var action: Action
    public var detail: String

    /// Nothing was left undone for this group.
    public var isFine: Bool { action != .refused && action != .failed }
}

enum SubscriptionFilter {
    /// The name of the filter logstream makes on a group for `stream`.
    static func name(stream: String) -> String { "logstream-\(stream)" }
    /// CloudWatch Logs allows this many subscription filters per group.
    static let limitPerGroup = 2
}

extension CloudWatchLogsClient {
    /// A group's subscription filters: name and destination.
    func subscriptionFilters(group: String) async throws -> [(name: String, destination: String)] {
        let answer = try await call("DescribeSubscriptionFilters", ["logGroupName": .string(group)], logGroup: group)
        return (answer["subscriptionFilters"]?.array ?? []).compactMap { filter in
            filter["filterName"]?.string.map { ($0, filter["destinationArn"]?.string ?? "") }
        }
    }

    /// Creates or replaces the filter `name` of `group`: every event to `destination`. The
    /// operation has no output: the answer's body may be empty.
    func putSubscriptionFilter(group: String, name: String, destination: String, role: String) async throws {
        _ = try await callRaw("PutSubscriptionFilter", [
            "logGroupName": .string(group), "filterName": .string(name), "filterPattern": "",
            "destinationArn": .string(destination), "roleArn": .string(role),
        ], logGroup: group)
    }
}

extension KinesisClient {
    /// The stream's ARN (DescribeStreamSummary), what a subscription filter names.
    func streamARN(stream: String) async throws -> String {
        let answer = try await call("DescribeStreamSummary", ["StreamName": .string(stream)], stream: stream)
        guard let arn = answer["StreamDescriptionSummary"]?["StreamARN"]?.string else {
            throw KinesisError(operation: "DescribeStreamSummary", code: "MissingStreamARN", message: "the answer carried no StreamARN", status: 200, stream: stream)
        }
        return arn
    }
}

extension Engine {
    /// Subscribes (or with `dryRun` says what it would subscribe) every group of every source
    /// read through Kinesis. `role` is the IAM role CloudWatch Logs assumes to put records
    /// into the stream; it is needed unless `dryRun`.
    public func subscribe(dryRun: Bool, role: String?) async throws -> [SubscriptionStep] {
        let (client, sources, _) = try await cloudWatchSources()
        let subscribed = sources.filter { $0.subscription != nil }
        guard !subscribed.isEmpty else {
            throw ConfigError("no source is read through Kinesis: set KINESIS_STREAM (or kinesis_stream in a [[source]]) to the stream the subscription filters fill")
        }
        if !dryRun && (role ?? "").isEmpty {
            throw ConfigError("subscribe needs --role-arn: the IAM role CloudWatch Logs assumes to put records into the stream (the README shows it); --dry-run shows the plan without it")
        }
        var steps: [SubscriptionStep] = []
        for source in subscribed {
            guard let subscription = source.subscription else { continue }
            let stream = subscription.stream
            let reader: CloudWatchLogsClient
            let groups: [String]
            let arn: String
            do {
                let ready = try await connect(source, through: client)
                reader = ready.routeKey.flatMap(client.routed) ?? client
                groups = try await GroupResolver(source: reader).resolve(ready.entries)
                arn = try await kinesisClient(subscription, region: source.region).streamARN(stream: stream)
            } catch {
                steps.append(SubscriptionStep(source: source.name, group: "*", stream: stream, action: .failed, detail: "\(error)"))
                continue
            }
            for group in groups {
                let step = await subscribe(group, stream: stream, arn: arn, through: reader, dryRun: dryRun, role: role ?? "")
                steps.append(SubscriptionStep(source: source.name, group: group, stream: stream, action: step.0, detail: step.1))
            }
        }
        return steps
    }

    private func subscribe(_ group: String, stream: String, arn: String, through client: CloudWatchLogsClient, dryRun: Bool, role: String)
        async -> (SubscriptionStep.Action, String) {
        let name = SubscriptionFilter.name(stream: stream)
        do {
            let filters = try await client.subscriptionFilters(group: group)
            if let ours = filters.first(where: { $0.name == name }) {
                if ours.destination == arn { return (.alreadySubscribed, "filter \(name)") }
                if dryRun { return (.wouldUpdate, "filter \(name) points at \(ours.destination)") }
            } else if filters.count >= SubscriptionFilter.limitPerGroup {
                return (.refused, "the group has \(filters.count) subscription filters already (\(filters.map(\.name).joined(separator: ", "))), CloudWatch's limit; logstream replaces none it did not make — remove one, or use an account-level subscription filter policy")
            } else if dryRun {
                return (.wouldSubscribe, "filter \(name) to \(arn)")
            }
            try await client.putSubscriptionFilter(group: group, name: name, destination: arn, role: role)
            return filters.contains(where: { $0.name == name }) ? (.updated, "filter \(name) to \(arn)") : (.subscribed, "filter \(name) to \(arn)")
        } catch {
            return (.failed, "\(error)")
        }
    }
}
