/// Work that moves a group's documents between its targets — heal's rebuild of `-v1`
/// into `-v2`, reconcile's removal of surplus copies and extras — excludes itself per
/// group, across processes and hosts. While heal copies, every event exists in both
/// targets; a reconcile deleting "surplus" copies then could remove the very copy heal
/// keeps, and heal then deletes the other. So each such step first claims the group's
/// stable name with a document in the state index (owner, work, expiry), written only if
/// absent, expired or already its own (`op_type=create` / `if_seq_no`), and gives it back
/// when done. A claim that is not renewed runs out, so a crashed holder blocks nobody for
/// long; a holder on the same machine that has ended (ProcessIdentity) blocks nobody at all,
/// so heal run again after a crash continues at once. Whoever cannot claim skips the step
/// this round and says so.
///
/// A holder is this value — its owner name (INSTANCE_ID) *and* a random token of its own —
/// not the owner name alone: two containers that are both `host-1`, or an operator's `heal`
/// started with the daemon's environment, are two holders. A holder whose renewal fails
/// stops moving before its claim can run out for the others (`ClaimGuard`), and gives the
/// claim back only after its renewal has stopped.
struct MoveClaims: Sendable {
    /// The state index the claims live in, beside the leases.
    let store: LeaseStore
    let owner: String
    /// Tells this holder from another of the same owner name.
    let token: String

    init(client: ElasticsearchClient, layout: IndexLayout, owner: String, serverless: Bool = false) {
        store = LeaseStore(client: client, layout: layout, serverless: serverless)
        self.owner = owner
        token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    private var client: ElasticsearchClient { store.client }

    struct Holder: Sendable, Equatable {
        var owner: String
        var work: String
        var expiresAt: EpochMillis
        /// The holding process, when it said (claims written before it did not).
        var process: ProcessIdentity? = nil
        /// The holder's token (claims written before it had one have none).
        var token: String? = nil

        /// Holds the claim at `now`: not run out, and not a process seen to have ended.
        func isLive(at now: EpochMillis) -> Bool {
            expiresAt > now && !(process?.hasEnded() ?? false)
        }
    }

    /// Another process holds the claim: the work was not done.
    struct Held: Error, CustomStringConvertible {
        var holder: Holder
        var description: String { "\(holder.owner) is moving this group's documents (\(holder.work))" }
    }

    /// Runs `work` holding the claim on `stable`, renewed every third of `seconds` while it
    /// runs and given back however it ends (a claim that cannot be given back runs out).
    /// Throws `Held`, without running `work`, when another process holds it. `body` calls
    /// the guard's `check()` before each move: it throws once the claim is lost or may have
    /// run out unrenewed, so no move happens after another holder could have started.
    func holding<T>(_ stable: String, for work: String, seconds: Int, _ body: (ClaimGuard) async throws -> T) async throws -> T {
        if let holder = try await claim(stable, for: work, seconds: seconds) { throw Held(holder: holder) }
        let claimGuard = ClaimGuard(seconds: seconds)
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(1, seconds / 3)) * 1_000_000_000)
                if Task.isCancelled { break }
                do {
                    if let other = try await claim(stable, for: work, seconds: seconds) {
                        claimGuard.lose("\(other.owner) took the claim (\(other.work))")
                        Log.error("this process's claim on the group was taken; its moves stop", ("alias", stable), ("holder", other.owner), ("work", work))
                        return
                    }
                    claimGuard.renewed()
                } catch {
                    Log.warn("could not renew the claim on the group; its moves stop if it cannot be renewed in time", ("alias", stable), ("work", work), ("error", error))
                }
            }
        }
        let outcome: Result<T, Error>
        do {
            outcome = .success(try await body(claimGuard))
        } catch {
            outcome = .failure(error)
        }
        // The renewal ends before the claim is given back, so it cannot write it again.
        renewal.cancel()
        await renewal.value
        if !claimGuard.isLost { try? await release(stable) }
        return try outcome.get()
    }

    /// Who else holds a live claim on `stable` now (nil: nobody, or this owner).
    func heldElsewhere(_ stable: String, now: EpochMillis = WallClock.nowMillis()) async throws -> Holder? {
        guard let holder = try await current(stable)?.holder, !isMine(holder), holder.isLive(at: now) else { return nil }
        return holder
    }

    private func isMine(_ holder: Holder) -> Bool { holder.owner == owner && holder.token == token }

    static func documentID(stable: String) -> String { "moving-" + DocumentID.make(logGroup: "logstream-moving", eventId: stable) }

    private func path(_ stable: String) -> String { "/\(store.index)/_doc/\(Self.documentID(stable: stable))" }

    /// The claim on `stable` as it stands, with what a conditional write needs.
    private func current(_ stable: String) async throws -> (holder: Holder, seqNo: Int, primaryTerm: Int)? {
        let answer = try await client.send("GET", path(stable))
        if answer.status == 404 { return nil }
        guard answer.status == 200, let json = try? JSONParser().parse(answer.body) else {
            throw ElasticsearchError.from(answer, method: "GET", path: path(stable))
        }
        guard json["found"] == .bool(true), let source = json["_source"] else { return nil }
        return (Holder(owner: source["owner"]?.string ?? "", work: source["work"]?.string ?? "", expiresAt: source["expires_at"]?.int64 ?? 0,
                       process: ProcessIdentity(json: source["process"]), token: source["token"]?.string),
                json["_seq_no"]?.int ?? 0, json["_primary_term"]?.int ?? 1)
    }

    /// Claims `stable` for `work` for `seconds` (renewing a claim of this owner's own).
    /// Returns nil when this process holds it now, or who holds it instead.
    func claim(_ stable: String, for work: String, seconds: Int) async throws -> Holder? {
        let now = WallClock.nowMillis()
        let existing = try await current(stable)
        if let existing, !isMine(existing.holder), existing.holder.expiresAt > now {
            guard !existing.holder.isLive(at: now) else { return existing.holder }
            Log.warn("the process holding this group's claim has ended; taking the claim over", ("alias", stable),
                     ("holder", existing.holder.owner), ("work", existing.holder.work))
        }
        // A first claim may find no state index yet; a renewal never does.
        if existing == nil { try await store.ensureIndex() }
        let condition = existing.map { "if_seq_no=\($0.seqNo)&if_primary_term=\($0.primaryTerm)" } ?? "op_type=create"
        let source: JSONValue = [
            "kind": "moving", "group": .string(stable), "owner": .string(owner), "token": .string(token), "work": .string(work),
            "expires_at": .int(now + EpochMillis(seconds) * 1000), "written_at": .int(now),
            "process": ProcessIdentity.current?.json ?? .null,
        ]
        let answer = try await client.send("PUT", path(stable) + "?\(condition)&refresh=true", body: source.serialized)
        if answer.status == 409 {
            // Someone else wrote it between the read and the write: theirs, unless it already ran out.
            return try await current(stable)?.holder ?? Holder(owner: "(unknown)", work: "", expiresAt: now)
        }
        guard (200..<300).contains(answer.status) else { throw ElasticsearchError.from(answer, method: "PUT", path: path(stable)) }
        return nil
    }

    /// Gives back a claim of this owner's; another's is left alone.
    func release(_ stable: String) async throws {
        guard let existing = try await current(stable), isMine(existing.holder) else { return }
        let answer = try await client.send("DELETE", path(stable) + "?if_seq_no=\(existing.seqNo)&if_primary_term=\(existing.primaryTerm)&refresh=true")
        guard (200..<300).contains(answer.status) || answer.status == 404 || answer.status == 409 else {
            throw ElasticsearchError.from(answer, method: "DELETE", path: path(stable))
        }
    }
}

extension Optional where Wrapped == MoveClaims {
    /// Without claims (unit tests of the steps themselves) the work simply runs.
    func holding<T>(_ stable: String, for work: String, seconds: Int, _ body: (ClaimGuard) async throws -> T) async throws -> T {
        guard let claims = self else { return try await body(ClaimGuard(seconds: Int.max / 4_000)) }
        return try await claims.holding(stable, for: work, seconds: seconds, body)
    }
}
