import Engine

/// A run that wrote documents to the dead-letter file did not copy everything into
/// Elasticsearch: it says where they are and what to do, and exits 3 rather than 0.
enum DeadLetterNotice {
    static func status(_ reports: [GroupReport], path: String) -> Int32 {
        let count = reports.reduce(0) { $0 + $1.outcome.deadLettered }
        guard count > 0 else { return 0 }
        Output.error("\(count) documents were refused by Elasticsearch even in the safe form and are in \(path) "
            + "with the reason; fix the mapping or index settings the reason names, then run `logstream reconcile` to copy them")
        return 3
    }
}
