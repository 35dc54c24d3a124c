@testable import Engine
import Foundation
import Testing

/// Heal and reconcile must never both move one group's documents: while heal copies
/// `-v1` into `-v2` every event exists in both, and a reconcile that removed the copy heal
/// keeps (then heal deleting the other) lost events. Here a heal is caught mid-way — half
/// its copies made, the alias switched to `-v2` — and another process holds the group's
/// claim, as heal does while it works.
@Suite(.serialized) struct MoveClaimsIntegrationTests {
    @Test func reconcileLeavesSurplusCopiesWhileAnotherProcessHoldsTheGroupThenKeepsTheWriteTargetsCopy() async throws {
        try await Rig.with { rig in
            let group = "/claims/app"
            let stable = "cloudwatch-claims-app", v1 = stable + "-v1", v2 = stable + "-v2"
            let checkpoint = rig.directory + "/cp.json"
            let environment = rig.environment(groups: [group], checkpointPath: checkpoint)
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 300)[group] ?? 0
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2", "--json"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            let es = rig.elasticsearch()

            // Heal half-way: -v2 exists with copies of 40 documents, and the alias writes to it.
            let sample = try await es.json("POST", "/\(v1)/_search", ["size": 40, "sort": [["event.id": "asc"]]])
            let hits = try #require(sample["hits"]?["hits"]?.array)
            #expect(hits.count == 40)
            var bulk = ""
            for hit in hits {
                bulk += #"{"create":{"_index":"\#(v2)","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n" + (hit["_source"]?.serializedString ?? "{}") + "\n"
            }
            let copied = try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson")
            #expect(copied.status == 200)
            try await es.json("POST", "/_aliases", ["actions": [
                ["add": ["index": .string(v1), "alias": .string(stable), "is_write_index": false]],
                ["add": ["index": .string(v2), "alias": .string(stable), "is_write_index": true]],
            ]])
            let heal = MoveClaims(client: es, layout: IndexLayout(prefix: "cloudwatch"), owner: "heal-on-another-host")
            #expect(try await heal.claim(stable, for: "heal", seconds: 600) == nil)

            // While the heal runs, reconcile does not compare the group at all: every copied
            // document is in both targets, which is what heal is in the middle of.
            let healing = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "2", "--json"], environment: environment)
            #expect(healing.status == 3, "\(healing.stderr)")
            #expect(healing.stderr.contains("reconcile skips the group while its heal runs"), "\(healing.stderr)")
            #expect(healing.stdout.contains("skipped: heal is rebuilding"), "\(healing.stdout)")
            #expect(try await es.count(v2, query: ["match_all": [:]]) == 40)
            #expect(try await es.count(v1, query: ["match_all": [:]]) == seeded)

            // Another process's reconcile deleting copies: this one sees 40 surplus copies but may not touch them.
            #expect(try await heal.claim(stable, for: "reconcile", seconds: 600) == nil)
            let held = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "2", "--json"], environment: environment)
            #expect(held.stderr.contains("another process is moving this group's documents"), "\(held.stderr)")
            #expect(try await es.count(v2, query: ["match_all": [:]]) == 40)
            #expect(try await es.count(v1, query: ["match_all": [:]]) == seeded)

            // Heal done with the claim: now the copy in the write target (-v2) is the one kept.
            try await heal.release(stable)
            let free = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--days", "2", "--json"], environment: environment)
            #expect(free.status == 0, "\(free.stderr)")
            #expect(try await es.count(v2, query: ["match_all": [:]]) == 40)
            #expect(try await es.count(v1, query: ["match_all": [:]]) == seeded - 40)
            let (count, distinct) = try await rig.countAndDistinct(group: group)
            #expect(count == seeded && distinct == seeded, "\(count) documents, \(distinct) distinct, \(seeded) in CloudWatch")
        }
    }

    /// One holder at a time; a claim not renewed runs out, so a crashed holder blocks
    /// nobody for long; giving back touches only one's own claim.
    @Test func claimsExcludeEachOtherRunOutAndAreGivenBackOnlyByTheirOwner() async throws {
        try await Rig.with { rig in
            let layout = IndexLayout(prefix: "cloudwatch")
            let heal = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "heal")
            let reconcile = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "reconcile")
            #expect(try await heal.claim("cloudwatch-x", for: "heal", seconds: 1) == nil)
            #expect(try await heal.claim("cloudwatch-x", for: "heal", seconds: 1) == nil, "renewing one's own claim")
            #expect(try await reconcile.claim("cloudwatch-x", for: "reconcile", seconds: 60)?.owner == "heal")
            #expect(try await reconcile.claim("cloudwatch-y", for: "reconcile", seconds: 60) == nil, "claims are per group")
            // The heal claim runs out unrenewed (as after a crash).
            #expect(try await eventually(seconds: 30) { try await reconcile.claim("cloudwatch-x", for: "reconcile", seconds: 60) == nil })
            try await heal.release("cloudwatch-x")
            #expect(try await heal.claim("cloudwatch-x", for: "heal", seconds: 60)?.owner == "reconcile", "heal gave back nothing of reconcile's")
            try await reconcile.release("cloudwatch-x")
            #expect(try await heal.claim("cloudwatch-x", for: "heal", seconds: 60) == nil)
        }
    }

    /// Two holders that share an owner name (two containers that are both `host-1`, an
    /// operator's heal started with the daemon's environment) are still two holders.
    @Test func holdersOfOneOwnerNameExcludeEachOther() async throws {
        try await Rig.with { rig in
            let layout = IndexLayout(prefix: "cloudwatch")
            let daemon = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "host-1")
            let operatorHeal = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "host-1")
            #expect(try await daemon.claim("cloudwatch-x", for: "reconcile", seconds: 60) == nil)
            #expect(try await operatorHeal.claim("cloudwatch-x", for: "heal", seconds: 60)?.work == "reconcile")
            #expect(try await operatorHeal.heldElsewhere("cloudwatch-x")?.work == "reconcile")
            try await operatorHeal.release("cloudwatch-x")
            #expect(try await operatorHeal.claim("cloudwatch-x", for: "heal", seconds: 60)?.work == "reconcile", "the other's release gave back nothing")
        }
    }

    /// A holder whose claim is taken over while it works stops moving (its guard throws)
    /// and, ending, gives back nothing of the new holder's.
    @Test func aHolderWhoseClaimIsTakenStopsMovingAndLeavesTheNewClaimAlone() async throws {
        try await Rig.with { rig in
            let layout = IndexLayout(prefix: "cloudwatch")
            let first = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "first")
            let second = MoveClaims(client: rig.elasticsearch(), layout: layout, owner: "second")
            let documentPath = "/\(first.store.index)/_doc/\(MoveClaims.documentID(stable: "cloudwatch-x"))?refresh=true"
            let stoppedBy: ClaimGuard.Lost? = try await {
                do {
                    try await first.holding("cloudwatch-x", for: "heal", seconds: 3) { claim in
                        // As if the claim ran out unseen: it is deleted and the other process takes it.
                        _ = try await rig.elasticsearch().send("DELETE", documentPath)
                        #expect(try await second.claim("cloudwatch-x", for: "heal", seconds: 600) == nil)
                        let deadline = WallClock.monotonicSeconds() + 30
                        while WallClock.monotonicSeconds() < deadline {
                            try claim.check()
                            try await Task.sleep(nanoseconds: 50_000_000)
                        }
                    }
                    return nil
                } catch let lost as ClaimGuard.Lost {
                    return lost
                }
            }()
            #expect(stoppedBy != nil, "the holder went on moving after its claim was taken")
            #expect(try await first.heldElsewhere("cloudwatch-x")?.owner == "second", "the new holder's claim is still there")
        }
    }

    /// Without renewals the guard stops moves once four fifths of the claim's time have passed.
    @Test func aClaimNotRenewedStopsMovesBeforeItRunsOut() async throws {
        let claim = ClaimGuard(seconds: 1)
        try claim.check()
        try await Task.sleep(nanoseconds: 850_000_000)
        #expect(throws: ClaimGuard.Lost.self) { try claim.check() }
    }
}
