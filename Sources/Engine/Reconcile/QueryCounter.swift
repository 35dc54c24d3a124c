/// How many requests reconciliation made to each side, for the report.
public actor QueryCounter {
    public private(set) var cloudWatch = 0
    public private(set) var elasticsearch = 0

    public init() {}

    public func countCloudWatch() { cloudWatch += 1 }
    public func countElasticsearch() { elasticsearch += 1 }
}
