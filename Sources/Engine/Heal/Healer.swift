/// `heal`: finds fields whose type differs across `{prefix}-*`, less the indices of
/// neighbouring deployments whose prefix is nested in it (what Kibana calls a mapping
/// conflict), settles each by the type most documents have, pins that type in
/// the template, and rebuilds the group targets on the losing side. See
/// `TargetRebuilder` for how a rebuild keeps every document.
struct Healer: Sendable {
    let client: ElasticsearchClient
    let layout: IndexLayout
    let bootstrap: Bootstrap
    let rebuilder: TargetRebuilder
    /// Claims on a group before its documents move (none: rebuilds go unclaimed).
    var claims: MoveClaims?

    /// The conflicts now, each decided by its documents.
    func plan() async throws -> HealPlan {
        // A neighbour's longer prefix (`cloudwatch-prod` in `cloudwatch`) is under ours: its
        // indices are neither counted nor rebuilt here.
        let neighbours = try await LogstreamTemplates.neighbours(of: layout, client)
        let caps = try await client.json("GET", "/\(layout.ownPattern(excluding: neighbours))/_field_caps?fields=*&ignore_unavailable=true&allow_no_indices=true")
        var conflicts = MappingConflict.detect(fieldCaps: caps)
        for position in conflicts.indices {
            var documents: [String: Int] = [:]
            for index in Set(conflicts[position].typesByIndex.values.joined()) {
                documents[index] = try await client.count(index, query: ["exists": ["field": .string(conflicts[position].field)]])
            }
            conflicts[position].decide(documents: documents)
        }
        return HealPlan(conflicts: conflicts, layout: layout, neighbours: neighbours)
    }

    /// How long a heal's claim on a group lasts without renewal.
    static let claimSeconds = 1800

    /// Plans and, unless `dryRun`, repairs; the report says what is left.
    func heal(dryRun: Bool, control: CopyControl = .unlimited) async throws -> HealReport {
        let plan = try await plan()
        var report = HealReport(plan: plan, dryRun: dryRun)
        for conflict in plan.conflicts {
            Log.info("heal: mapping conflict", ("field", conflict.field), ("winner", conflict.winningType),
                     ("votes", conflict.votesText(separator: ",")),
                     ("losing", conflict.losingIndices.joined(separator: ",")))
        }
        guard !dryRun, !plan.isEmpty else {
            report.remaining = plan.conflicts
            return report
        }
        if let progress = control.progress {
            for rebuild in plan.rebuilds {
                await progress.addTotal(EpochMillis((try? await client.count(rebuild.from, query: ["match_all": [:]])) ?? 0))
            }
        }
        try await bootstrap.pin(plan.pins)
        Log.info("heal: winning types pinned in the template", ("fields", plan.pins.keys.sorted().joined(separator: ",")))
        for rebuild in plan.rebuilds {
            await control.admit(.high)
            let copy = { (claim: ClaimGuard) in try await rebuilder.rebuild(rebuild, pins: plan.pins, claim: claim, progress: control.progress) }
            do {
                let rebuilt = try await claims.holding(rebuild.stable, for: "heal", seconds: Self.claimSeconds, copy)
                report.results[rebuild.from] = rebuilt
            } catch let held as MoveClaims.Held {
                report.errors.append("\(rebuild.from): not rebuilt now; \(held)")
                Log.warn("heal: another process is moving this group's documents; this target waits for the next run",
                         ("target", rebuild.from), ("holder", held.holder.owner), ("work", held.holder.work))
            } catch {
                report.errors.append("\(rebuild.from): \(error)")
                Log.error("heal: rebuild stopped; the old target is kept and the next run continues", ("target", rebuild.from), ("error", error))
            }
        }
        for index in plan.unmanaged {
            Log.warn("heal: index not managed by logstream has a losing type; reindex or delete it yourself", ("index", index))
        }
        _ = try await client.send("POST", "/\(layout.ownPattern(excluding: plan.neighbours))/_refresh?ignore_unavailable=true&allow_no_indices=true")
        report.remaining = try await self.plan().conflicts
        return report
    }
}

/// What `heal` found, did, and left.
public struct HealReport: Sendable {
    public var plan: HealPlan
    public var dryRun: Bool
    /// Per rebuilt target (its old name).
    public var results: [String: TargetRebuilder.Result] = [:]
    public var errors: [String] = []
    /// Conflicts still there afterwards (with a dry run: all of them).
    public var remaining: [MappingConflict] = []

    init(plan: HealPlan, dryRun: Bool) {
        self.plan = plan
        self.dryRun = dryRun
    }

    var clean: Bool { remaining.isEmpty && errors.isEmpty }
}
