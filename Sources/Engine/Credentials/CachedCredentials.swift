/// Resolves credentials once and reuses them until five minutes before they expire, so
/// temporary credentials are renewed before any request is signed with stale ones; and
/// drops them when AWS answers that they expired anyway (credentials without an expiry,
/// a clock that disagrees).
actor CachedCredentials: CredentialsProvider {
    private let provider: CredentialsProvider
    private var cached: AWSCredentials?
    static let refreshMargin: EpochMillis = 5 * 60_000

    init(_ provider: CredentialsProvider) {
        self.provider = provider
    }

    func credentials() async throws -> AWSCredentials {
        if let cached, cached.expiration.map({ $0 - WallClock.nowMillis() > Self.refreshMargin }) ?? true {
            return cached
        }
        let fresh = try await provider.credentials()
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
