import Engine
import Glibc

/// `logstream checkpoint show|set|reset|verify`, one entry of the command table each.
enum CheckpointCommand {
    /// `checkpoint show`: the file's checkpoints, or with COORDINATION=elasticsearch the leases.
    static func show(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        let settings = try CLI.settings(invocation, environment: environment)
        if settings.coordinated {
            return try await showLeases(Engine(settings: settings, environment: environment), json: invocation.has(.json))
        }
        return try await show(path: settings.checkpointPath, json: invocation.has(.json))
    }

    /// `checkpoint set GROUP TIME [--stream NAME]`.
    static func set(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        try await set(invocation, path: try CLI.settings(invocation, environment: environment).checkpointPath)
    }

    /// `checkpoint reset [GROUP] --yes`.
    static func reset(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        try await reset(invocation, path: try CLI.settings(invocation, environment: environment).checkpointPath)
    }

    /// `checkpoint verify`.
    static func verify(_ invocation: Invocation, environment: [String: String]) async throws -> Int32 {
        verify(path: try CLI.settings(invocation, environment: environment).checkpointPath, json: invocation.has(.json))
    }

    /// `now - time` in the largest unit that keeps it short (45s, 12m, 3h, 2d).
    static func age(_ millis: EpochMillis) -> String {
        let seconds = max(0, millis / 1000)
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7_200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3_600)h" }
        return "\(seconds / 86_400)d"
    }

    static func show(path: String, json: Bool) async throws -> Int32 {
        var snapshot = await (try CheckpointStore(path: path)).state
        // A group an operator reset is kept as an empty entry (see CheckpointStore.reset).
        snapshot.groups = snapshot.groups.filter { !$0.value.isEmpty }
        if json {
            Output.print(JSONValue.checkpointReport(snapshot, path: path).serializedString)
            return 0
        }
        if snapshot.groups.isEmpty && snapshot.shardRows(now: 0).isEmpty {
            Output.print("no checkpoints in \(path)")
            return 0
        }
        let now = WallClock.nowMillis()
        let plain = isatty(1) != 1
        let headers = ["GROUP", "TAIL POSITION", "BEHIND", "STREAMS", "MAX LAG", "LAST \(CheckpointState.historyDaysShown) DAYS (OLDEST LEFT)", "SHIPPED"]
        var rows: [[String]] = []
        for name in snapshot.groups.keys.sorted() {
            let group = snapshot.groups[name]!
            let position = group.tailPosition.map(Timestamp.format) ?? "-"
            let behind = group.tailPosition.map { Self.age(now - $0) } ?? "-"
            let lag = group.streams.values.map(\.lagMillis).max().map { "\($0 / 1000)s" } ?? "-"
            let shipped = group.shipped.ranges.map { "\(Timestamp.format($0.start))..\(Timestamp.format($0.end))" }.joined(separator: ", ")
            let bar = HistoryBar.render(group.history(days: CheckpointState.historyDaysShown, now: now), plain: plain)
            rows.append([name, position, behind, String(group.streams.count), lag, bar, shipped.isEmpty ? "-" : shipped])
        }
        if !rows.isEmpty {
            Output.print(TextTable.render(headers: headers, rows: rows))
            Output.print(plain ? "V shipped and verified   S shipped   s partly shipped   . not shipped"
                               : "█ shipped and verified   ▓ shipped   ▒ partly shipped   · not shipped")
        }
        let shards = snapshot.shardRows(now: now)
        if !shards.isEmpty {
            Output.print("")
            Output.print(TextTable.render(headers: ["KINESIS SHARD", "SEQUENCE ACKNOWLEDGED", "STATE", "CAUGHT UP"], rows: shards.map { shard in
                [shard.key, shard.sequence ?? "-", shard.finished ? "read to its end" : "reading",
                 shard.caughtUpAt.map { "\(Self.age(now - $0)) ago" } ?? "-"]
            }))
        }
        return 0
    }

    /// With COORDINATION=elasticsearch the checkpoints that count are in the leases: who
    /// owns each group, how fresh its lease is, and where its tail stands.
    static func showLeases(_ engine: Engine, json: Bool) async throws -> Int32 {
        let now = WallClock.nowMillis()
        let leases = try await engine.leases().values.sorted { $0.group < $1.group }
        func age(_ lease: LeaseStore.Lease) -> String {
            guard !lease.owner.isEmpty else { return "free" }
            let seconds = (lease.expiresAt - now) / 1000
            return seconds >= 0 ? "expires in \(seconds)s" : "expired \(-seconds)s ago"
        }
        func position(_ lease: LeaseStore.Lease) -> EpochMillis? {
            lease.checkpoint.flatMap(CheckpointState.Group.init(json:))?.tailPosition
        }
        if json {
            Output.print(JSONValue.object([JSONMember("leases", .array(leases.map { lease in
                [
                    "group": .string(lease.group), "owner": lease.owner.isEmpty ? .null : .string(lease.owner),
                    "held": .bool(lease.isHeld(now: now)), "expires_at": .string(Timestamp.format(lease.expiresAt)),
                    "tail_position": position(lease).map { .string(Timestamp.format($0)) } ?? .null,
                ]
            }))]).serializedString)
            return 0
        }
        guard !leases.isEmpty else {
            Output.print("no leases yet: no tail --follow with COORDINATION=elasticsearch has run against this cluster")
            return 0
        }
        Output.print(TextTable.render(headers: ["GROUP", "OWNER", "LEASE", "TAIL POSITION"], rows: leases.map { lease in
            [lease.group, lease.owner.isEmpty ? "-" : lease.owner, age(lease), position(lease).map(Timestamp.format) ?? "-"]
        }))
        return 0
    }

    static func set(_ invocation: Invocation, path: String) async throws -> Int32 {
        let group = invocation.arguments[0]
        guard let time = TimeExpression.parse(invocation.arguments[1], now: WallClock.nowMillis()) else {
            throw UsageError(message: "invalid TIME '\(invocation.arguments[1])': use RFC 3339 (2024-05-01T00:00:00Z) or an age such as 2h or 3d", commandPath: invocation.path)
        }
        let store = try CheckpointStore(path: path)
        try await store.set(group, stream: invocation.value(.stream), to: time)
        let target = invocation.value(.stream).map { "stream \($0) of \(group)" } ?? group
        Output.print("\(target) set to \(Timestamp.format(time)) in \(path)")
        return 0
    }

    static func reset(_ invocation: Invocation, path: String) async throws -> Int32 {
        let group = invocation.arguments.first
        let what = group.map { "the checkpoints of \($0)" } ?? "all checkpoints"
        if !invocation.has(.yes) {
            guard isatty(0) == 1 else {
                throw UsageError(message: "refusing to reset \(what) without confirmation; add --yes", commandPath: invocation.path)
            }
            Output.prompt("Reset \(what) in \(path)? Shipped events stay in Elasticsearch; the next run re-reads and skips them. [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                Output.print("nothing changed")
                return 1
            }
        }
        let store = try CheckpointStore(path: path)
        let removed = try await store.reset(group)
        Output.print("reset \(removed) group\(removed == 1 ? "" : "s") in \(path)")
        return 0
    }

    static func verify(path: String, json: Bool) -> Int32 {
        func report(_ status: String, _ members: [JSONMember]) {
            if json { Output.print(JSONValue.object([JSONMember("file", .string(path)), JSONMember("status", .string(status))] + members).serializedString) }
        }
        do {
            guard let bytes = try FileIO.read(path: path) else {
                report("absent", [])
                if !json { Output.print("\(path): no checkpoint file yet (a first run creates it)") }
                return 0
            }
            let state = try CheckpointState.decode(bytes, path: path)
            let streams = state.groups.values.reduce(0) { $0 + $1.streams.count }
            report("ok", [JSONMember("groups", .int(state.groups.count)), JSONMember("stream_cursors", .int(streams)), JSONMember("bytes", .int(bytes.count))])
            if !json { Output.print("\(path): ok — \(state.groups.count) groups, \(streams) stream cursors, \(bytes.count) bytes, checksum valid") }
            return 0
        } catch let error as CheckpointError {
            var message = "\(path): \(error.reasonText)"
            let aside = try? CheckpointStore.quarantine(path: path)
            if let aside {
                message += "\nThe damaged file was moved to \(aside) (kept for inspection). The next run starts without checkpoints: the tail starts TAIL_MAX_OVERLAP_SECS back, and a backfill re-reads its range — events already in Elasticsearch are recognised by their id and not duplicated. To resume precisely instead, restore a good copy or use 'logstream checkpoint set GROUP TIME'."
            }
            report("damaged", [JSONMember("reason", .string(error.reasonText)), JSONMember("moved_to", aside.map { .string($0) } ?? .null)])
            Output.error(message)
            return 1
        } catch {
            Output.error("\(path): \(error)")
            return 1
        }
    }
}
