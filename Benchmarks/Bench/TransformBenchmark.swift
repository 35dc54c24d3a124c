import Foundation

import Engine

/// The transform alone: FilterLogEvents page JSON → documents → bulk NDJSON, next to gzip of
/// that very body (igzip, what logstream sends, and zlib level 1), over the pipeline
/// benchmark's own pages (the stand-in's corpus, written to files): one corpus for both.
/// Median of five rounds.
struct TransformBenchmark {
    var rounds = 5

    func run(pagesDirectory: String) throws -> [String] {
        let inputs = try pageFiles(in: pagesDirectory).compactMap { try FileIO.read(path: $0) }
        guard !inputs.isEmpty else { return ["transform benchmark: no pages in \(pagesDirectory)"] }
        let inputBytes = inputs.reduce(0) { $0 + $1.count }
        let group = GroupKey("/bench/orders")
        let builder = DocumentBuilder(region: "us-east-1")
        let index = IndexLayout(prefix: "cloudwatch").stableName(for: group)

        var transformTimes: [Double] = [], igzipTimes: [Double] = [], zlibTimes: [Double] = []
        var events = 0, outputBytes = 0, compressed = 0
        for _ in 0..<rounds {
            var transform = 0.0, igzip = 0.0, zlib = 0.0
            events = 0
            outputBytes = 0
            compressed = 0
            for input in inputs {
                let transformStart = cpuSeconds()
                let page = try CloudWatchLogsClient.decodeFilterLogEventsPage(input)
                let documents = builder.documents(for: page.events, logGroup: group, index: index)
                let body = BulkSink.body(for: documents)
                let igzipStart = cpuSeconds()
                compressed += try Gzip.compress(body, codec: .igzip).count
                let zlibStart = cpuSeconds()
                _ = try Gzip.compress(body, codec: .zlib)
                zlib += cpuSeconds() - zlibStart
                igzip += zlibStart - igzipStart
                transform += igzipStart - transformStart
                events += page.events.count
                outputBytes += body.count
            }
            transformTimes.append(transform)
            igzipTimes.append(igzip)
            zlibTimes.append(zlib)
        }
        let transformCPU = median(transformTimes), igzipCPU = median(igzipTimes), zlibCPU = median(zlibTimes)
        let count = Double(events)
        func perMillion(_ cpu: Double) -> String { format(cpu / count * 1e6, 2) }
        return [
            "transform benchmark: \(events) events in \(inputs.count) pages, page JSON \(inputBytes / 1_048_576) MiB in (\(inputBytes / max(1, events)) B per event), NDJSON \(outputBytes / 1_048_576) MiB out (gzip: \(compressed / 1_048_576) MiB); median of \(rounds) rounds",
            row("transform (page JSON to bulk NDJSON body)", count / transformCPU, perMillion(transformCPU), Double(outputBytes) / transformCPU),
            row("gzip of the same NDJSON, igzip level 1 (logstream)", count / igzipCPU, perMillion(igzipCPU), Double(outputBytes) / igzipCPU),
            row("gzip of the same NDJSON, zlib level 1 (baseline)", count / zlibCPU, perMillion(zlibCPU), Double(outputBytes) / zlibCPU),
            "ratio transform CPU / zlib level 1 CPU: \(format(transformCPU / zlibCPU, 2)) (target < 1)",
        ]
    }

    func pageFiles(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("page-") }.sorted().map { directory + "/" + $0 }
    }

    func row(_ name: String, _ eventsPerSecond: Double, _ cpuPerMillion: String, _ bytesPerSecond: Double) -> String {
        "  \(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(format(eventsPerSecond / 1000, 0))k events/s  \(cpuPerMillion) CPU-s per million events  \(format(bytesPerSecond / 1_048_576, 0)) MiB/s"
    }
}

func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return decimals == 0 ? String(Int(rounded)) : String(rounded)
}
