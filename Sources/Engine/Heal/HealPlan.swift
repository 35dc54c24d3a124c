/// What `heal` found and will do: the conflicts, the fields to pin in the template, the
/// group targets to rebuild, and the conflicting indices logstream does not manage.
public struct HealPlan: Sendable {
    public var conflicts: [MappingConflict]
    public var rebuilds: [TargetRebuild]
    /// Losing indices that are not a group's versioned target (left for the operator).
    public var unmanaged: [String]
    /// Field path → the mapping that settles it.
    var pins: [String: JSONValue]
    /// Prefixes of other deployments nested in this one, whose indices are not ours.
    var neighbours: [String]

    var isEmpty: Bool { conflicts.isEmpty }

    init(conflicts: [MappingConflict], layout: IndexLayout, neighbours: [String] = []) {
        self.conflicts = conflicts
        self.neighbours = neighbours
        var pins: [String: JSONValue] = [:]
        var byTarget: [String: TargetRebuild] = [:]
        var unmanaged: Set<String> = []
        for conflict in conflicts {
            pins[conflict.field] = conflict.winner.pinnedMapping(type: conflict.winningType)
            for index in conflict.losingIndices {
                guard let target = ManagedTarget(index: index, layout: layout, neighbours: neighbours) else {
                    unmanaged.insert(index)
                    continue
                }
                var rebuild = byTarget[target.name] ?? TargetRebuild(stable: target.stable, from: target.name, to: target.standby, indices: [], fields: [])
                if !rebuild.indices.contains(index) { rebuild.indices.append(index) }
                if !rebuild.fields.contains(conflict.field) { rebuild.fields.append(conflict.field) }
                byTarget[target.name] = rebuild
            }
        }
        self.pins = pins
        rebuilds = byTarget.values.sorted { $0.from < $1.from }
        self.unmanaged = unmanaged.sorted()
    }
}

/// One group target rebuilt into its standby version.
public struct TargetRebuild: Sendable, Equatable {
    /// The group's stable name (alias).
    public var stable: String
    /// The target on the losing side now (`…-v1` or `…-v2`, an index or a data stream).
    public var from: String
    /// Where its documents go: the other version.
    public var to: String
    /// The indices behind `from` that conflict (a data stream's backing indices, or `from` itself).
    var indices: [String]
    public var fields: [String]
}

/// A group's versioned target recognised from an index name: `{stable}-v1`, `{stable}-v2`,
/// or a data stream's backing index `.ds-{stable}-v1-2025.12.21-000001` (see `BackingIndexName`).
struct ManagedTarget: Sendable, Equatable {
    var stable: String
    var version: Int

    var name: String { "\(stable)-v\(version)" }
    var standby: String { "\(stable)-v\(version == 1 ? 2 : 1)" }

    /// `neighbours`: longer prefixes of other deployments; their targets are not ours.
    init?(index: String, layout: IndexLayout, neighbours: [String] = []) {
        let name: String
        if index.hasPrefix(".") {
            guard let backing = BackingIndexName(index), !backing.failureStore else { return nil }
            name = backing.dataStream
        } else {
            name = index
        }
        guard layout.owns(name, excluding: neighbours), name.count > layout.prefix.count + 4 else { return nil }
        if name.hasSuffix("-v1") {
            version = 1
        } else if name.hasSuffix("-v2") {
            version = 2
        } else {
            return nil
        }
        stable = String(name.dropLast(3))
    }
}
