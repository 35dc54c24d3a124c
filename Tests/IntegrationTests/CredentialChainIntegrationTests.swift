@testable import Engine
import Foundation
import Testing

/// The rest of the AWS credential chain through the binary, against moto with signature
/// checking on: a web identity (EKS), a role assumed from a profile, a credential_process,
/// and an SSO profile (the portal is the rig's stand-in; moto has none).
@Suite(.serialized) struct CredentialChainIntegrationTests {
    /// Backfills `group` with only `credentials` (and `files` under a fresh HOME) to go on.
    func backfill(_ rig: Rig, _ group: String, _ credentials: [String: String], home: String, name: String) async throws -> ProcessResult {
        var environment = rig.environment(groups: [group], checkpointPath: rig.directory + "/\(name).json")
        for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] { environment.removeValue(forKey: key) }
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["HOME"] = home
        environment.merge(credentials) { $1 }
        return try await ProcessRunner.run(ProjectPaths.binary, ["backfill", "--days", "2"], environment: environment)
    }

    func home(_ files: [String: String]) throws -> String {
        let home = ProjectPaths.temporaryDirectory("home")
        for (path, contents) in files {
            let full = home + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return home
    }

    /// moto answers an unsigned request with HTTP 500 while it checks signatures, and
    /// AssumeRoleWithWebIdentity is unsigned (the token is the proof): here signatures are not
    /// checked; that the role was assumed with our session name is read from moto's state.
    @Test func webIdentityAsEKSSetsItUpWithMotoSignatureChecksOff() async throws {
        try await Rig.with { rig in
            let group = "/cred/web"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 200)
            let role = try await rig.helper(["role", "--endpoint", rig.cloudWatchURL, "--name", "logstream-irsa"])["arn"]?.string ?? ""
            let home = try home(["token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bG9nZ2luZzpsb2dzdHJlYW0ifQ.c2ln"])
            let result = try await backfill(rig, group, ["AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token", "AWS_ROLE_ARN": role,
                                                         "AWS_ROLE_SESSION_NAME": "logstream-test"], home: home, name: "web")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])
            #expect(!result.stderr.contains("eyJzdWIi"), "the token is never shown")
            let state = try await CurlTransport.shared.send(HTTPRequest(method: "GET", url: rig.cloudWatchURL + "/moto-api/data.json"))
            let assumed = try JSONParser().parse(state.body)["sts"]?["AssumedRole"]?.array ?? []
            #expect(assumed.contains { $0["role_arn"]?.string == role && $0["session_name"]?.string == "logstream-test" }, "\(assumed)")

            let missingRole = try await backfill(rig, group, ["AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token"], home: home, name: "web-norole")
            #expect(missingRole.status != 0 && missingRole.stderr.contains("AWS_ROLE_ARN"), "\(missingRole.stderr)")
        }
    }

    @Test func aRoleAssumedFromASourceProfile() async throws {
        try await Rig.with { rig in
            let group = "/cred/role"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 200)
            let user = try await rig.helper(["iam", "--endpoint", rig.cloudWatchURL, "--name", "central", "--may-assume"])
            let stranger = try await rig.helper(["iam", "--endpoint", rig.cloudWatchURL, "--name", "stranger"])
            let role = try await rig.helper(["role", "--endpoint", rig.cloudWatchURL, "--name", "logstream-reader"])["arn"]?.string ?? ""
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "on"])
            let config = """
                [profile central]
                aws_access_key_id = \(user["key"]?.string ?? "")
                aws_secret_access_key = \(user["secret"]?.string ?? "")

                [profile member]
                role_arn = \(role)
                source_profile = central
                external_id = tenant-42
                role_session_name = logstream-central
                duration_seconds = 3600

                [profile outsider]
                role_arn = \(role)
                source_profile = lonely

                [profile lonely]
                aws_access_key_id = \(stranger["key"]?.string ?? "")
                aws_secret_access_key = \(stranger["secret"]?.string ?? "")

                [profile loop-a]
                role_arn = \(role)
                source_profile = loop-b

                [profile loop-b]
                role_arn = \(role)
                source_profile = loop-a
                """
            let home = try home([".aws/config": config])
            let assumed = try await backfill(rig, group, ["AWS_PROFILE": "member"], home: home, name: "member")
            #expect(assumed.status == 0, "\(assumed.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])

            // A source that may not assume the role: the error names the profile, the role and the fix.
            let refused = try await backfill(rig, group, ["AWS_PROFILE": "outsider"], home: home, name: "outsider")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("profile outsider") && refused.stderr.contains(role) && refused.stderr.contains("trust policy"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(stranger["secret"]?.string ?? "-"))

            let loop = try await backfill(rig, group, ["AWS_PROFILE": "loop-a"], home: home, name: "loop")
            #expect(loop.status != 0 && loop.stderr.contains("loop"), "\(loop.stderr)")
        }
    }

    @Test func aCredentialProcessAndAnSSOProfile() async throws {
        try await Rig.with { rig in
            let group = "/cred/process"
            let seeded = try await rig.seed(groups: [group], days: 1, eventsPerGroup: 200)
            let user = try await rig.helper(["iam", "--endpoint", rig.cloudWatchURL, "--name", "tooling"])
            let key = user["key"]?.string ?? "", secret = user["secret"]?.string ?? ""
            _ = try await rig.helper(["auth", "--endpoint", rig.cloudWatchURL, "on"])
            let portal = try await rig.startMetadata(key: key, secret: secret, token: "none", ssoToken: "sso-access-token")
            let cacheName = "sso/cache/" + SHA1Probe.hex("central-sso") + ".json"
            let expires = Timestamp.format(WallClock.nowMillis() + 3_600_000)
            let home = try home([
                "helper.sh": "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"\(key)\", \"SecretAccessKey\": \"\(secret)\"}'\n",
                "broken.sh": "#!/bin/sh\necho 'vault is sealed' >&2\nexit 3\n",
                ".aws/\(cacheName)": #"{"accessToken": "sso-access-token", "expiresAt": "\#(expires)", "region": "us-east-1", "startUrl": "https://example.awsapps.com/start"}"#,
            ])
            let config = """
                [profile tool]
                credential_process = sh \(home)/helper.sh

                [profile sealed]
                credential_process = sh \(home)/broken.sh

                [sso-session central-sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1

                [profile sso]
                sso_session = central-sso
                sso_account_id = 123456789012
                sso_role_name = LogReader
                """
            try config.write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
            let process = try await backfill(rig, group, ["AWS_PROFILE": "tool"], home: home, name: "tool")
            #expect(process.status == 0, "\(process.stderr)")
            #expect(try await rig.documentCount(group: group) == seeded[group])
            let sealed = try await backfill(rig, group, ["AWS_PROFILE": "sealed"], home: home, name: "sealed")
            #expect(sealed.status != 0 && sealed.stderr.contains("credential_process exited with status 3: vault is sealed"), "\(sealed.stderr)")

            let sso = try await backfill(rig, group, ["AWS_PROFILE": "sso", "AWS_ENDPOINT_URL_SSO": portal], home: home, name: "sso")
            #expect(sso.status == 0, "\(sso.stderr)")
            #expect(!sso.stderr.contains("sso-access-token"))
            try FileManager.default.removeItem(atPath: home + "/.aws/" + cacheName)
            let loggedOut = try await backfill(rig, group, ["AWS_PROFILE": "sso", "AWS_ENDPOINT_URL_SSO": portal], home: home, name: "sso-out")
            #expect(loggedOut.status != 0 && loggedOut.stderr.contains("aws sso login --profile sso"), "\(loggedOut.stderr)")
        }
    }
}

/// The AWS CLI names SSO token cache files by the SHA-1 of the session name.
enum SHA1Probe {
    static func hex(_ text: String) -> String {
        let result = try? ProcessRunnerSync.output("/usr/bin/sha1sum", input: text)
        return String(result?.prefix(40) ?? "")
    }
}

enum ProcessRunnerSync {
    static func output(_ path: String, input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
