/// The sources a process reads: the default one (AWS_REGION and LOG_GROUPS, its groups
/// keyed by name as always) and each `[[source]]` (its groups keyed `account:region:name`,
/// read through a client of its own: its credentials, its request budget).
///
/// Sources fail independently: a `[[source]]` whose account cannot be told (its credentials
/// fail) or whose groups cannot be listed is reported with the fix and left out, and the
/// others ship; the daemon tries it again with backoff.
struct ReadSource: Sendable {
    var name: String
    var region: String
    var entries: [String]
    /// A `[[source]]`'s credentials and what its account is known from; nil for the default source.
    var own: Own?
    /// A `[[source]]`'s account, once known.
    var account: String?
    /// Set when the source's groups are read through their subscription (KINESIS_STREAM,
    /// `kinesis_stream`) instead of polled.
    var subscription: Subscription?

    struct Subscription: Sendable {
        var stream: String
        /// The source's own credentials (the stream is in its account).
        var credentials: CredentialsProvider
    }

    struct Own: Sendable {
        var credentials: CredentialsProvider
        /// The account of its role ARN, when it has one (no STS call needed).
        var roleAccount: String?
    }

    var isDefault: Bool { own == nil }

    /// Whether `group` is one of this source's: a default-source group (plain name) for the
    /// default source, one of its account and region for a `[[source]]`.
    func reads(_ group: GroupKey) -> Bool {
        isDefault ? group.account == nil : (group.account == account && group.region == region)
    }
    /// `account:region` of a `[[source]]` whose account is known.
    var routeKey: String? { isDefault ? nil : account.map { "\($0):\(region)" } }
}

/// A source left out for now, and why.
struct SourceFailure: Error, CustomStringConvertible, Sendable {
    var source: String
    var reason: String
    var description: String {
        "source \(source) is left out for now: \(reason) — fix its credentials or log_groups; the other sources keep shipping"
    }
}

extension Engine {
    /// The CloudWatch client of the default source (a routed client per `[[source]]` added as
    /// each one's account becomes known); the sources; and the default source's account.
    func cloudWatchSources() async throws -> (client: CloudWatchLogsClient, sources: [ReadSource], defaultAccount: String?) {
        let (entries, region) = try settings.requireCloudWatch()
        let base = CachedCredentials(CredentialChain(environment: environment, transport: transport, region: region))
        let client = cloudWatchClient(region: region, credentials: base)
        var sources: [ReadSource] = settings.sources.map { source in
            let credentials = sourceCredentials(source, base: base)
            return ReadSource(name: source.name, region: source.region, entries: source.logGroups,
                              own: ReadSource.Own(credentials: credentials, roleAccount: source.roleAccount),
                              subscription: source.kinesisStream.map { ReadSource.Subscription(stream: $0, credentials: credentials) })
        }
        var defaultAccount: String?
        if !entries.isEmpty {
            sources.insert(ReadSource(name: "default", region: region, entries: entries,
                                      subscription: settings.kinesisStream.map { ReadSource.Subscription(stream: $0, credentials: base) }), at: 0)
            // The account tells this deployment's documents from a neighbour's that reads the
            // same group name in another account into the same target (cloud.account.id).
            do {
                defaultAccount = try await STSClient(transport: transport, environment: environment, region: region).account(of: try await base.credentials())
            } catch {
                Log.warn("cannot tell the default source's account; its documents go without cloud.account.id, and reconcile tells them from a neighbour's by region alone",
                         ("error", error))
            }
        }
        return (client, sources, defaultAccount)
    }

    /// A profile's credentials, or a role assumed from them (or from the base ones).
    private func sourceCredentials(_ source: SourceConfig, base: CredentialsProvider) -> CredentialsProvider {
        var credentials: CredentialsProvider = base
        if let profile = source.profile {
            var profileEnvironment = environment
            for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE"] { profileEnvironment[key] = nil }
            profileEnvironment["AWS_PROFILE"] = profile
            credentials = CachedCredentials(CredentialChain(environment: profileEnvironment, transport: transport, region: source.region))
        }
        if let roleArn = source.roleArn {
            credentials = CachedCredentials(AssumedRoleCredentials(
                base: credentials, sts: STSClient(transport: transport, environment: environment, region: source.region), roleArn: roleArn,
                externalId: source.externalId, sessionName: source.sessionName ?? "logstream", source: source.name))
        }
        return credentials
    }

    /// `route` names a `[[source]]`'s account and region in its stress tracker's side.
    func cloudWatchClient(region: String, credentials: CredentialsProvider, route: String? = nil) -> CloudWatchLogsClient {
        CloudWatchLogsClient(transport: transport, endpoint: settings.cloudWatchEndpoint(region: region), region: region, credentials: credentials,
                             timeoutSeconds: Double(settings.httpTimeoutSecs), retry: .cloudWatch(backoff),
                             budget: RequestBudget(ratePerSecond: Double(settings.cloudWatchRate(region: region))),
                             side: route.map { "cloudwatch \($0)" } ?? "cloudwatch")
    }

    /// The client of a source's subscription stream (in the source's account and region).
    func kinesisClient(_ subscription: ReadSource.Subscription, region: String) -> KinesisClient {
        KinesisClient(transport: transport, endpoint: settings.kinesisEndpoint(region: region), region: region, credentials: subscription.credentials,
                      timeoutSeconds: Double(settings.httpTimeoutSecs), retry: .cloudWatch(backoff))
    }

    /// Learns a `[[source]]`'s account (from its role ARN, else STS) and routes its client;
    /// returns the source with its account. A source whose account is known is returned as is.
    func connect(_ source: ReadSource, through client: CloudWatchLogsClient) async throws -> ReadSource {
        guard let own = source.own, source.account == nil else { return source }
        var source = source
        if let fromRole = own.roleAccount {
            source.account = fromRole
        } else {
            do {
                source.account = try await STSClient(transport: transport, environment: environment, region: source.region)
                    .account(of: try await own.credentials.credentials())
            } catch {
                throw SourceFailure(source: source.name, reason: "cannot tell which account its credentials belong to (STS GetCallerIdentity): \(error)")
            }
        }
        if let route = source.routeKey {
            if client.addRoute(route, cloudWatchClient(region: source.region, credentials: own.credentials, route: route)) == false {
                Log.warn("two [[source]]s read the same account and region; the first one's credentials serve both", ("source", source.name),
                         ("account", source.account ?? "-"), ("region", source.region))
            }
        }
        return source
    }

    /// Every source's groups, patterns expanded, as `GroupKey`s, with the sources as now
    /// connected, and the sources that failed (each left out; the others are not held up).
    /// A group that a `[[source]]` reads from the default source's own account and region
    /// would be stored twice (once under each key): it is read as the default source's only,
    /// and the log says so.
    func resolveGroups(_ client: CloudWatchLogsClient, _ sources: [ReadSource], defaultAccount: String? = nil) async
        -> (keys: [GroupKey], sources: [ReadSource], failures: [SourceFailure]) {
        var keys: [GroupKey] = []
        var connected: [ReadSource] = []
        var failures: [SourceFailure] = []
        var defaultNames = Set<String>()
        let defaultRegion = sources.first(where: \.isDefault)?.region
        for source in sources where source.isDefault {
            do {
                let names = try await GroupResolver(source: client).resolve(source.entries)
                keys += names.map { GroupKey($0) }
                defaultNames.formUnion(names)
            } catch {
                failures.append(SourceFailure(source: source.name, reason: "its log groups cannot be listed: \(error)"))
            }
            connected.append(source)
        }
        for source in sources where !source.isDefault {
            let ready: ReadSource
            do {
                ready = try await connect(source, through: client)
            } catch {
                failures.append(error as? SourceFailure ?? SourceFailure(source: source.name, reason: "\(error)"))
                connected.append(source)
                continue
            }
            connected.append(ready)
            guard let account = ready.account, let routed = ready.routeKey.flatMap(client.routed) else { continue }
            var names: [String]
            do {
                names = try await GroupResolver(source: routed).resolve(ready.entries)
            } catch {
                failures.append(SourceFailure(source: source.name, reason: "its log groups cannot be listed: \(error)"))
                continue
            }
            if account == defaultAccount && ready.region == defaultRegion {
                let twice = names.filter(defaultNames.contains)
                if !twice.isEmpty {
                    Log.warn("source reads groups of the default source's own account and region; they are read once, as the default source's, not stored twice",
                             ("source", source.name), ("account", account), ("region", ready.region), ("groups", twice.joined(separator: ",")),
                             ("fix", "remove them from LOG_GROUPS or from the [[source]]"))
                    names.removeAll(where: defaultNames.contains)
                }
            }
            keys += names.map { GroupKey(account: account, region: ready.region, name: $0) }
        }
        var seen = Set<GroupKey>()
        return (keys.filter { seen.insert($0).inserted }, connected, failures)
    }
}
