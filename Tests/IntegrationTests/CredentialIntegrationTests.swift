@testable import Engine
import Foundation
import Testing

/// The AWS credential chain, each source against a local endpoint, and SigV4 against
/// moto with signature checking on.
@Suite(.serialized) struct CredentialIntegrationTests {
    /// An environment in which only the source under test can answer.
    func isolated(_ extra: [String: String]) -> [String: String] {
        ["HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"].merging(extra) { $1 }
    }

    @Test func containerEndpointWithAuthorizationTokenAndTokenFile() async throws {
        try await Rig.with { rig in
            let url = try await rig.startMetadata(key: "AKIACONTAINER", secret: "container-secret", authToken: "Bearer rig")
            let viaToken = try await CredentialChain(environment: isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/ecs/creds",
                                                                             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer rig"])).credentials()
            #expect(viaToken.accessKeyId == "AKIACONTAINER" && viaToken.secretAccessKey == "container-secret")
            #expect(viaToken.sessionToken?.hasPrefix("rig-session-") == true)
            #expect((viaToken.expiration ?? 0) > WallClock.nowMillis() + 3_000_000)

            let tokenFile = rig.directory + "/token"
            try "Bearer rig\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let viaFile = try await CredentialChain(environment: isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/ecs/creds",
                                                                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile])).credentials()
            #expect(viaFile.accessKeyId == "AKIACONTAINER")

            await #expect(throws: CredentialsError.self) {
                try await CredentialChain(environment: isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/ecs/creds"])).credentials()
            }
        }
    }

    @Test func instanceMetadataUsesAnIMDSv2SessionToken() async throws {
        try await Rig.with { rig in
            let url = try await rig.startMetadata(key: "AKIAINSTANCE", secret: "instance-secret")
            var environment = isolated(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url])
            environment.removeValue(forKey: "AWS_EC2_METADATA_DISABLED")
            let credentials = try await CredentialChain(environment: environment).credentials()
            #expect(credentials.accessKeyId == "AKIAINSTANCE" && credentials.secretAccessKey == "instance-secret")
            #expect(credentials.origin.contains("rig-instance-role"))
        }
    }

    @Test func sharedFilesProfilesAndPrecedence() async throws {
        let directory = ProjectPaths.temporaryDirectory("aws")
        try "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=ops-secret\naws_session_token=ops-token\n"
            .write(toFile: directory + "/credentials", atomically: true, encoding: .utf8)
        try "[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = cfg-secret\n".write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": directory + "/credentials", "AWS_CONFIG_FILE": directory + "/config"]
        #expect(try await CredentialChain(environment: isolated(files)).credentials().accessKeyId == "AKIADEFAULT")
        let ops = try await CredentialChain(environment: isolated(files.merging(["AWS_PROFILE": "ops"]) { $1 })).credentials()
        #expect(ops.accessKeyId == "AKIAOPS" && ops.sessionToken == "ops-token")
        #expect(try await CredentialChain(environment: isolated(files.merging(["AWS_PROFILE": "cfg"]) { $1 })).credentials().accessKeyId == "AKIACFG")
        let fromEnvironment = try await CredentialChain(environment: isolated(files.merging(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env"]) { $1 })).credentials()
        #expect(fromEnvironment.accessKeyId == "AKIAENV")
        await #expect(throws: CredentialsError.self) {
            try await CredentialChain(environment: isolated(files.merging(["AWS_PROFILE": "missing"]) { $1 })).credentials()
        }
        await #expect(throws: CredentialsError.self) {
            try await CredentialChain(environment: isolated(["AWS_ACCESS_KEY_ID": "AKIAONLYKEY"])).credentials()
        }
    }

    @Test func temporaryCredentialsAreRenewedBeforeTheyExpire() async throws {
        try await Rig.with { rig in
            let shortLived = try await rig.startMetadata(key: "AKIASHORT", secret: "s", expiresIn: 120)
            let cachedShort = CachedCredentials(CredentialChain(environment: isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": shortLived + "/ecs/creds"])))
            _ = try await cachedShort.credentials()
            _ = try await cachedShort.credentials()
            #expect(try await served(shortLived) == 2)

            let longLived = try await rig.startMetadata(key: "AKIALONG", secret: "s", expiresIn: 3600)
            let cachedLong = CachedCredentials(CredentialChain(environment: isolated(["AWS_CONTAINER_CREDENTIALS_FULL_URI": longLived + "/ecs/creds"])))
            _ = try await cachedLong.credentials()
            _ = try await cachedLong.credentials()
            #expect(try await served(longLived) == 1)
        }
    }

    func served(_ url: String) async throws -> Int {
        let response = try await CurlTransport.shared.send(HTTPRequest(method: "GET", url: url + "/_stats"))
        return try JSONParser().parse(response.body)["count"]?.int ?? -1
    }

    @Test func signedRequestsAreAcceptedByMotoWithSignatureCheckingOnAndBadOnesExplained() async throws {
        try await Rig.with { rig in
            let group = "/auth/app"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 300)
            let user = try await rig.helper(["iam", "--endpoint", rig.cloudWatchURL])
            let role = try await rig.helper(["assume-role", "--endpoint", rig.cloudWatchURL])
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "on"])
            let key = user["key"]?.string ?? "", secret = user["secret"]?.string ?? ""

            func backfill(_ credentials: [String: String], checkpoint: String) async throws -> ProcessResult {
                var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/\(checkpoint).json")
                environment.removeValue(forKey: "AWS_ACCESS_KEY_ID")
                environment.removeValue(forKey: "AWS_SECRET_ACCESS_KEY")
                environment["AWS_EC2_METADATA_DISABLED"] = "true"
                environment.merge(credentials) { $1 }
                return try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
            }

            let good = try await backfill(["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret], checkpoint: "good")
            #expect(good.status == 0, "\(good.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])

            let wrongSecret = "Wr0ngSecretWr0ngSecretWr0ngSecret00000000"
            let wrong = try await backfill(["AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": wrongSecret], checkpoint: "wrong")
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("SignatureDoesNotMatch") && wrong.stderr.contains("AWS_SECRET_ACCESS_KEY"))
            #expect(!wrong.stderr.contains(wrongSecret) && !wrong.stdout.contains(wrongSecret))
            #expect(!wrong.stderr.contains("retrying"), "a bad signature must not be retried")

            let token = role["token"]?.string ?? ""
            let temporary = try await backfill(["AWS_ACCESS_KEY_ID": role["key"]?.string ?? "", "AWS_SECRET_ACCESS_KEY": role["secret"]?.string ?? "",
                                                "AWS_SESSION_TOKEN": token], checkpoint: "temporary")
            #expect(temporary.status == 0, "\(temporary.stderr)")
            #expect(!temporary.stderr.contains(token))
            let tokenless = try await backfill(["AWS_ACCESS_KEY_ID": role["key"]?.string ?? "", "AWS_SECRET_ACCESS_KEY": role["secret"]?.string ?? ""], checkpoint: "tokenless")
            #expect(tokenless.status == 1 && tokenless.stderr.contains("InvalidClientTokenId"))

            // The whole chain: keys served by the container endpoint.
            let metadata = try await rig.startMetadata(key: key, secret: secret, token: "none")
            let container = try await backfill(["AWS_CONTAINER_CREDENTIALS_FULL_URI": metadata + "/ecs/creds"], checkpoint: "container")
            #expect(container.status == 0, "\(container.stderr)")
            #expect(!container.stderr.contains(secret))
        }
    }
}
