/// The sources a process reads: the default one (AWS_REGION and LOG_GROUPS, its groups
/// keyed by name as always) and each `[[source]]` (its groups keyed `account:region:name`,
/// read through a client of its own: its credentials, its request budget).
struct ReadSource: Sendable {
    var name: String
    /// nil for the default source (its groups are not qualified).
    var account: String?
    var region: String
    var entries: [String]

    var routeKey: String? { account.map { "\($0):\(region)" } }
}

extension Engine {
    /// The CloudWatch client of the default source, with a routed client per `[[source]]`;
    /// the sources; and the default source's account where it is needed (beside `[[source]]`s).
    func cloudWatchSources() async throws -> (client: CloudWatchLogsClient, sources: [ReadSource], defaultAccount: String?) {
        let (entries, region) = try settings.requireCloudWatch()
        let base = CachedCredentials(CredentialChain(environment: environment, transport: transport, region: region))
        var routes: [String: CloudWatchLogsClient] = [:]
        var sources: [ReadSource] = []
        for source in settings.sources {
            let credentials = sourceCredentials(source, base: base)
            let account: String
            if let fromRole = source.roleAccount {
                account = fromRole
            } else {
                do {
                    account = try await STSClient(transport: transport, environment: environment, region: source.region).account(of: try await credentials.credentials())
                } catch {
                    throw CredentialsError(message: "source \(source.name): cannot tell which account its credentials belong to (STS GetCallerIdentity): \(error)")
                }
            }
            let read = ReadSource(name: source.name, account: account, region: source.region, entries: source.logGroups)
            if routes[read.routeKey!] != nil {
                Log.warn("two [[source]]s read the same account and region; the first one's credentials serve both", ("source", source.name),
                         ("account", account), ("region", source.region))
            } else {
                routes[read.routeKey!] = cloudWatchClient(region: source.region, credentials: credentials)
            }
            sources.append(read)
        }
        let client = cloudWatchClient(region: region, credentials: base, routes: routes)
        var defaultAccount: String?
        if !entries.isEmpty {
            sources.insert(ReadSource(name: "default", account: nil, region: region, entries: entries), at: 0)
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

    func cloudWatchClient(region: String, credentials: CredentialsProvider, routes: [String: CloudWatchLogsClient] = [:]) -> CloudWatchLogsClient {
        CloudWatchLogsClient(transport: transport, endpoint: settings.cloudWatchEndpoint(region: region), region: region, credentials: credentials,
                             timeoutSeconds: Double(settings.httpTimeoutSecs), retry: .cloudWatch(backoff),
                             budget: RequestBudget(ratePerSecond: Double(settings.cloudWatchMaxRPS)), routes: routes)
    }

    /// Every source's groups, patterns expanded, as `GroupKey`s. A group that a `[[source]]`
    /// reads from the default source's own account and region would be stored twice (once
    /// under each key): it is read as the default source's only, and the log says so.
    func resolveGroups(_ client: CloudWatchLogsClient, _ sources: [ReadSource], defaultAccount: String? = nil) async throws -> [String] {
        var keys: [String] = []
        var defaultNames = Set<String>()
        var defaultRegion: String?
        for source in sources where source.routeKey == nil {
            let names = try await GroupResolver(source: client).resolve(source.entries)
            keys += names
            defaultNames.formUnion(names)
            defaultRegion = source.region
        }
        for source in sources {
            guard let route = source.routeKey, let account = source.account else { continue }
            var names = try await GroupResolver(source: client.routes[route] ?? client).resolve(source.entries)
            if account == defaultAccount && source.region == defaultRegion {
                let twice = names.filter(defaultNames.contains)
                if !twice.isEmpty {
                    Log.warn("source reads groups of the default source's own account and region; they are read once, as the default source's, not stored twice",
                             ("source", source.name), ("account", account), ("region", source.region), ("groups", twice.joined(separator: ",")),
                             ("fix", "remove them from LOG_GROUPS or from the [[source]]"))
                    names.removeAll(where: defaultNames.contains)
                }
            }
            keys += names.map { GroupKey.qualified(account: account, region: source.region, name: $0) }
        }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }
}
