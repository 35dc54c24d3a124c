import Foundation

import Engine

/// The transform alone: FilterLogEvents page JSON → documents → bulk NDJSON, against
/// zlib level 1 (what `gzip -1` does) over the very same NDJSON bytes.
struct TransformBenchmark {
    var pages = 30
    var eventsPerPage = 10_000
    var rounds = 3

    func run() throws -> [String] {
        var corpus = Corpus()
        let group = "/aws/lambda/orders-api"
        let inputs = (0..<pages).map { _ in corpus.page(events: eventsPerPage, group: group) }
        let inputBytes = inputs.reduce(0) { $0 + $1.count }
        let builder = DocumentBuilder(region: "us-east-1")
        let index = IndexLayout(prefix: "cloudwatch").stableName(for: group)

        // Page by page, as the pipeline does: the transform, then gzip -1 of that very body.
        // Three rounds; the fastest of each counts, as the least disturbed by the machine.
        var transformCPU = Double.infinity
        var gzipCPU = Double.infinity
        var outputBytes = 0
        var compressed = 0
        for _ in 0..<rounds {
            var transformRound = 0.0
            var gzipRound = 0.0
            outputBytes = 0
            compressed = 0
            for input in inputs {
                let transformStart = cpuSeconds()
                let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(input)
                let documents = builder.documents(for: page.events, logGroup: group, index: index)
                let body = BulkSink.body(for: documents)
                let gzipStart = cpuSeconds()
                compressed += try Gzip.compress(body, level: 1).count
                gzipRound += cpuSeconds() - gzipStart
                transformRound += gzipStart - transformStart
                outputBytes += body.count
            }
            transformCPU = min(transformCPU, transformRound)
            gzipCPU = min(gzipCPU, gzipRound)
        }

        let events = Double(pages * eventsPerPage)
        func perMillion(_ cpu: Double) -> String { format(cpu / events * 1e6, 2) }
        return [
            "transform benchmark: \(pages * eventsPerPage) events, page JSON \(inputBytes / 1_048_576) MiB in, NDJSON \(outputBytes / 1_048_576) MiB out (gzip -1: \(compressed / 1_048_576) MiB)",
            row("transform (page JSON to bulk NDJSON body)", events / transformCPU, perMillion(transformCPU), Double(outputBytes) / transformCPU),
            row("gzip -1 of the same NDJSON (zlib level 1)", events / gzipCPU, perMillion(gzipCPU), Double(outputBytes) / gzipCPU),
            "ratio transform CPU / gzip -1 CPU: \(format(transformCPU / gzipCPU, 2)) (target < 1)",
        ]
    }

    func row(_ name: String, _ eventsPerSecond: Double, _ cpuPerMillion: String, _ bytesPerSecond: Double) -> String {
        "  \(name.padding(toLength: 50, withPad: " ", startingAt: 0)) \(format(eventsPerSecond / 1000, 0))k events/s  \(cpuPerMillion) CPU-s per million events  \(format(bytesPerSecond / 1_048_576, 0)) MiB/s"
    }
}

func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return decimals == 0 ? String(Int(rounded)) : String(rounded)
}
