/// How many requests reconciliation made to each side, for the report.
actor QueryCounter {
    private(set) var cloudWatch = 0
    private(set) var elasticsearch = 0

    init() {}

    func countCloudWatch() { cloudWatch += 1 }
    func countElasticsearch() { elasticsearch += 1 }
}
