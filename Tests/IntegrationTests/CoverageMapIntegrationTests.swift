@testable import Engine
import Foundation
import Testing

/// The coverage map `reconcile` ends with, against a real scenario: thirty hours of steady
/// events with one silent hour (CloudWatch itself has nothing where the group usually has
/// forty) and one hour whose documents were deleted from Elasticsearch.
@Suite(.serialized) struct CoverageMapIntegrationTests {
    @Test func theMapShowsTheDeletedHourDifferingThenRepairedAndTheSilentHour() async throws {
        try await Rig.with { rig in
            let group = "/coverage/app"
            let hour = WallClock.millisPerHour
            let base = WallClock.nowMillis() / hour * hour - 31 * hour
            let silent = 20, damaged = 10
            var events: [(EpochMillis, String, String)] = []
            for index in 0..<30 where index != silent {
                for n in 0..<40 { events.append((base + EpochMillis(index) * hour + EpochMillis(n) * 60_000 + 7, "request \(index)-\(n) served", "web")) }
            }
            try await rig.put(group: group, events: events)
            let environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/state/cp.json")
            let backfill = try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
            #expect(backfill.status == 0, "\(backfill.stderr)")

            // Delete 15 documents of the damaged hour.
            let es = rig.elasticsearch()
            let damagedStart = base + EpochMillis(damaged) * hour
            let found = try await es.json("POST", "/cloudwatch-*/_search", [
                "size": 15, "query": ["range": ["@timestamp": ["gte": .int(damagedStart), "lt": .int(damagedStart + hour), "format": "epoch_millis"]]],
            ])
            let hits = try #require(found["hits"]?["hits"]?.array)
            #expect(hits.count == 15)
            var bulk = ""
            for hit in hits {
                bulk += #"{"delete":{"_index":"\#(hit["_index"]?.string ?? "")","_id":"\#(hit["_id"]?.string ?? "")"}}"# + "\n"
            }
            _ = try await es.send("POST", "/_bulk?refresh=true", body: Array(bulk.utf8), contentType: "application/x-ndjson")

            let range = ["--since", Timestamp.format(base), "--until", Timestamp.format(base + 30 * hour)]
            func cells(_ result: ProcessResult) throws -> [JSONValue] {
                let report = try #require(result.json, "\(result.stdout)")
                #expect(report["coverage_cell"]?.string == "hour")
                return try #require(report["groups"]?[0]?["coverage"]?.array, "\(result.stdout)")
            }
            func states(_ cells: [JSONValue]) -> [String] { cells.map { $0["state"]?.string ?? "?" } }
            var expected = Array(repeating: "verified", count: 30)
            expected[silent] = "silent"

            let dry = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--dry-run", "--json"] + range, environment: environment)
            #expect(dry.status == 3, "\(dry.stderr.suffix(2000))")
            let before = try cells(dry)
            expected[damaged] = "differing"
            #expect(states(before) == expected, "\(states(before))")
            #expect(before[damaged]["cloudwatch"]?.int == 40 && before[damaged]["elasticsearch"]?.int == 25, "\(before[damaged])")
            #expect(before[silent]["cloudwatch"]?.int == 0)

            let reportPath = rig.directory + "/coverage.html"
            let repair = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--report", reportPath] + range, environment: environment)
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr.suffix(2000))")
            // Not a terminal: letters, one per hour, and a legend.
            var row = Array(repeating: "#", count: 30)
            row[damaged] = "R"
            row[silent] = "S"
            let lines = repair.stdout.split(separator: "\n")
            let header = try #require(lines.firstIndex { $0.hasPrefix("coverage, one cell per hour from \(Timestamp.format(base))") }, "\(repair.stdout)")
            let line = try #require(lines[header...].first { $0.hasPrefix(group) }, "\(repair.stdout)")
            #expect(line.hasSuffix("  " + row.joined()), "\(line)")
            #expect(repair.stdout.contains("R repaired now") && repair.stdout.contains("S CloudWatch empty where events were expected"))
            #expect(!repair.stdout.contains("\u{1B}["), "no colours without a terminal")

            let html = try String(contentsOfFile: reportPath, encoding: .utf8)
            #expect(html.hasPrefix("<!doctype html>") && html.contains("<svg"))
            #expect(html.components(separatedBy: "class=\"cell ").count - 1 == 30)
            #expect(html.components(separatedBy: "class=\"cell repaired\"").count - 1 == 1)
            #expect(html.components(separatedBy: "class=\"cell silent\"").count - 1 == 1)
            #expect(!html.contains("testing"), "no credentials in the report")
            #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"), "self-contained")
            // As a person opens it: a real browser lays it out; the screenshot is not blank
            // and the rendered SVG holds every cell.
            let (png, dom) = try await HeadlessBrowser.render(reportPath)
            #expect(try HeadlessBrowser.distinctPixelBytes(png) > 32, "the screenshot looks blank")
            #expect(dom.components(separatedBy: "class=\"cell ").count - 1 == 30, "cells in the rendered page")
            #expect(dom.components(separatedBy: "class=\"cell repaired\"").count - 1 == 1 && dom.contains("<svg"))

            // On a terminal: coloured blocks, unless NO_COLOR is set.
            let command = ([ProjectPaths.binary, "reconcile", "--quiet"] + range).map { "'\($0)'" }.joined(separator: " ")
            let terminal = try await ProcessRunner.run("/usr/bin/script", ["-qefc", command, "/dev/null"], environment: environment)
            #expect(terminal.stdout.contains("\u{1B}[32m█\u{1B}[0m") && terminal.stdout.contains("\u{1B}[35m█"), "\(terminal.stdout.suffix(800))")
            var noColor = environment
            noColor["NO_COLOR"] = "1"
            let plainTerminal = try await ProcessRunner.run("/usr/bin/script", ["-qefc", command, "/dev/null"], environment: noColor)
            #expect(!plainTerminal.stdout.contains("\u{1B}[3") && plainTerminal.stdout.contains("S CloudWatch empty"), "\(plainTerminal.stdout.suffix(800))")

            let after = try await ProcessRunner.run(ProjectPaths.binary, ["reconcile", "--json"] + range, environment: environment)
            expected[damaged] = "verified"
            #expect(states(try cells(after)) == expected)
        }
    }
}
