/// How long the cluster itself keeps a group's documents, so that neither backfill nor
/// verification copies back what the user's retention removed. Read from, in turn:
///
/// - an ILM policy's delete phase (`GET <stable>/_ilm/explain`, then `GET _ilm/policy/<p>`:
///   `phases.delete.min_age` where the phase has a `delete` action);
/// - a data stream lifecycle (`GET _data_stream/<stable>-v*/_lifecycle`:
///   `effective_retention`, or `data_retention` before 8.14);
/// - an OpenSearch ISM policy (`GET _plugins/_ism/explain/<stable>`, then
///   `GET _plugins/_ism/policies/<p>`: the `min_index_age` of a transition into a state
///   with a `delete` action).
///
/// ILM and ISM ages count from an index's creation or rollover, not from its events'
/// timestamps, so the shortest one found is taken as the age beyond which the cluster
/// does not keep events. Engines without these APIs (or a user without the privilege)
/// keep everything as far as logstream can tell.
struct ClusterRetention: Sendable {
    struct Found: Sendable, Equatable, CustomStringConvertible {
        var millis: EpochMillis
        /// Where it comes from, for the log.
        var source: String
        var description: String { "\(millis / WallClock.millisPerDay) days (\(source))" }
    }

    let client: ElasticsearchClient

    /// The shortest retention the cluster applies to the group's targets, if any.
    func of(stable: String) async -> Found? {
        var found: [Found] = []
        found += await ilm(stable)
        found += await lifecycle(stable)
        found += await ism(stable)
        return found.min { $0.millis < $1.millis }
    }

    private func get(_ path: String) async -> JSONValue? {
        guard let answer = try? await client.send("GET", path), answer.status == 200 else { return nil }
        return try? JSONParser().parse(answer.body)
    }

    private func ilm(_ stable: String) async -> [Found] {
        guard let explain = await get("/\(stable)/_ilm/explain") else { return [] }
        let policies = Set((explain["indices"]?.members ?? []).compactMap { member -> String? in
            member.value["managed"] == .bool(true) ? member.value["policy"]?.string : nil
        })
        var found: [Found] = []
        for policy in policies.sorted() {
            guard let answer = await get("/_ilm/policy/\(policy)"), let delete = answer[policy]?["policy"]?["phases"]?["delete"],
                  delete["actions"]?["delete"] != nil else { continue }
            let age = delete["min_age"]?.string.flatMap(Self.millis) ?? 0
            found.append(Found(millis: age, source: "ILM policy \(policy), delete phase"))
        }
        return found
    }

    private func lifecycle(_ stable: String) async -> [Found] {
        guard let answer = await get("/_data_stream/\(stable)-v*/_lifecycle") else { return [] }
        return (answer["data_streams"]?.array ?? []).compactMap { stream in
            guard let lifecycle = stream["lifecycle"], lifecycle["enabled"] != .bool(false),
                  let retention = (lifecycle["effective_retention"] ?? lifecycle["data_retention"])?.string,
                  let millis = Self.millis(retention) else { return nil }
            return Found(millis: millis, source: "data stream lifecycle of \(stream["name"]?.string ?? stable)")
        }
    }

    private func ism(_ stable: String) async -> [Found] {
        guard let explain = await get("/_plugins/_ism/explain/\(stable)") else { return [] }
        let policies = Set((explain.members ?? []).compactMap { member -> String? in
            member.value["policy_id"]?.string ?? member.value["index.plugins.index_state_management.policy_id"]?.string
        })
        var found: [Found] = []
        for policy in policies.sorted() {
            guard let answer = await get("/_plugins/_ism/policies/\(policy)") else { continue }
            let states = answer["policy"]?["states"]?.array ?? []
            let deleting = Set(states.compactMap { state -> String? in
                let deletes = (state["actions"]?.array ?? []).contains { $0["delete"] != nil }
                return deletes ? state["name"]?.string : nil
            })
            let ages = states.flatMap { state in
                (state["transitions"]?.array ?? []).compactMap { transition -> EpochMillis? in
                    guard let target = transition["state_name"]?.string, deleting.contains(target) else { return nil }
                    return transition["conditions"]?["min_index_age"]?.string.flatMap(Self.millis)
                }
            }
            if let age = ages.min() { found.append(Found(millis: age, source: "ISM policy \(policy), delete state")) }
        }
        return found
    }

    /// An Elasticsearch time value (`30d`, `12h`) in milliseconds.
    static func millis(_ value: String) -> EpochMillis? {
        TimeValue.millis(value).map { EpochMillis($0) }
    }
}
