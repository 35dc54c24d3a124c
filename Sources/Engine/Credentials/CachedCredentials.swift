/// Resolves credentials once and reuses them until five minutes before they expire, so
/// temporary credentials are renewed before any request is signed with stale ones; and
/// drops them when AWS answers that they expired anyway (credentials without an expiry,
/// a clock that disagrees). One resolution at a time: callers that need credentials while
/// one runs (eight groups' first polls at once) wait for its answer rather than starting
/// eight helpers or STS calls of their own. A resolution that failed (a helper that exits
/// 1, a role that cannot be assumed) is answered with the same error, without trying
/// again, for 30 s, doubling up to 10 minutes while it keeps failing: retrying cannot fix
/// credentials, and every poll of every group of the source would otherwise run it again.
actor CachedCredentials: CredentialsProvider {
    private let provider: CredentialsProvider
    private var cached: AWSCredentials?
    private var resolving: Task<AWSCredentials, Error>?
    private var failure: (error: any Error, until: Double, count: Int)?
    static let refreshMargin: EpochMillis = 5 * 60_000
    static let failureBackoffSeconds: (first: Double, most: Double) = (30, 600)

    init(_ provider: CredentialsProvider) {
        self.provider = provider
    }

    func credentials() async throws -> AWSCredentials {
        if let cached, cached.expiration.map({ $0 - WallClock.nowMillis() > Self.refreshMargin }) ?? true {
            return cached
        }
        if let resolving { return try await resolving.value }
        if let failure, WallClock.monotonicSeconds() < failure.until { throw failure.error }
        let provider = self.provider
        let task = Task { try await provider.credentials() }
        resolving = task
        defer { resolving = nil }
        let fresh: AWSCredentials
        do {
            fresh = try await task.value
            failure = nil
        } catch {
            let count = (failure?.count ?? 0) + 1
            let wait = min(Self.failureBackoffSeconds.most, Self.failureBackoffSeconds.first * Double(1 << min(count - 1, 10)))
            failure = (error, WallClock.monotonicSeconds() + wait, count)
            throw error
        }
        if cached != nil {
            Log.info("AWS credentials refreshed", ("origin", fresh.origin), ("expires", fresh.expiration.map(Timestamp.format) ?? "never"))
        }
        cached = fresh
        return fresh
    }

    func invalidate() {
        if let cached {
            Log.warn("AWS refused the cached credentials as expired; resolving them again", ("origin", cached.origin))
        }
        cached = nil
    }
}
