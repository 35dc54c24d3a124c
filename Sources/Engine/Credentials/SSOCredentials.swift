import Foundation

/// An IAM Identity Center (SSO) profile: the access token `aws sso login` cached in
/// ~/.aws/sso/cache/<SHA-1 of the session name, or of the start URL for the older
/// profile form>.json, exchanged for role credentials with the portal's
/// GetRoleCredentials (`portal.sso.<region>.amazonaws.com`, or AWS_ENDPOINT_URL_SSO).
/// logstream never logs in itself: an expired token is an error saying to run the login.
struct SSOCredentials {
    let profile: String
    let section: [String: String]
    let files: SharedConfigFiles
    let environment: [String: String]
    let transport: HTTPTransport

    func credentials() async throws -> AWSCredentials {
        let session = section["sso_session"]
        let sessionSection = session.flatMap(files.ssoSession)
        if let session, sessionSection == nil {
            throw CredentialsError(message: "profile \(profile) names sso_session \(session), which has no [sso-session \(session)] section in \(files.configPath)")
        }
        guard let startURL = sessionSection?["sso_start_url"] ?? section["sso_start_url"],
              let region = sessionSection?["sso_region"] ?? section["sso_region"],
              let account = section["sso_account_id"], let role = section["sso_role_name"] else {
            throw CredentialsError(message: "profile \(profile) is an SSO profile but lacks sso_start_url, sso_region, sso_account_id or sso_role_name")
        }
        let home = environment["HOME"] ?? ""
        let cacheKey = session ?? startURL
        let cachePath = "\(home)/.aws/sso/cache/\(SHA1.hex(Array(cacheKey.utf8))).json"
        let login = "aws sso login --profile \(profile)"
        guard let data = FileManager.default.contents(atPath: cachePath), let cached = try? JSONParser().parse(Array(data)),
              let token = cached["accessToken"]?.string else {
            throw CredentialsError(message: "profile \(profile): no cached SSO token (\(cachePath)); run '\(login)'")
        }
        if let expires = cached["expiresAt"]?.string.flatMap(Timestamp.parse), expires <= WallClock.nowMillis() {
            throw CredentialsError(message: "profile \(profile): the SSO token expired at \(Timestamp.format(expires)); run '\(login)'")
        }
        let portal = environment["AWS_ENDPOINT_URL_SSO"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://portal.sso.\(region).\(Settings.dnsSuffix(region: region))"
        let url = "\(portal)/federation/credentials?account_id=\(STSClient.formEncoded(account))&role_name=\(STSClient.formEncoded(role))"
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: [HTTPHeader("x-amz-sso_bearer_token", token)], timeoutSeconds: 15))
        } catch {
            throw CredentialsError(message: "profile \(profile): cannot reach the SSO portal \(redactedURL(portal)): \(error)")
        }
        let json = try? JSONParser().parse(response.body)
        guard response.status == 200, let credentials = json?["roleCredentials"],
              let key = credentials["accessKeyId"]?.string, let secret = credentials["secretAccessKey"]?.string else {
            let reason = json?["message"]?.string ?? json?["Message"]?.string ?? "HTTP \(response.status)"
            let fix = response.status == 401 ? "run '\(login)'" : "check sso_account_id \(account) and sso_role_name \(role)"
            throw CredentialsError(message: "profile \(profile): the SSO portal gave no credentials for role \(role) in account \(account): \(reason) — \(fix)")
        }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: credentials["sessionToken"]?.string,
                              origin: "profile \(profile) (SSO role \(role) in \(account))", expiration: credentials["expiration"]?.int64)
    }
}

/// SHA-1, for the names of the SSO token cache files (as the AWS CLI writes them); not
/// used for anything that needs to be secure.
enum SHA1 {
    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[chunk + 4 * i + $1]) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                e = d
                d = c
                c = b << 30 | b >> 2
                b = a
                a = temp
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
        return h.map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 8 - text.count) + text
        }.joined()
    }
}
