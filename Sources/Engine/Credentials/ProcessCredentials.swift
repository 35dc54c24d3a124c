/// A profile's `credential_process`: a command (run with /bin/sh, see `ChildProcess`) that prints
/// `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`.
struct ProcessCredentials {
    let command: String
    let profile: String

    func credentials() async throws -> AWSCredentials {
        let ran: ChildProcess.Result
        do {
            ran = try await ChildProcess.runOffPool(shell: command)
        } catch {
            throw CredentialsError(message: "profile \(profile): credential_process failed: \(error)")
        }
        let complaint = String(decoding: ran.stderr, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard ran.status == 0 else {
            throw CredentialsError(message: "profile \(profile): credential_process exited with status \(ran.status)\(complaint.isEmpty ? "" : ": \(complaint.prefix(300))")")
        }
        let printed = ran.stdout
        guard let json = try? JSONParser().parse(Array(printed)), json["Version"]?.int == 1 else {
            throw CredentialsError(message: "profile \(profile): credential_process did not print credentials JSON with \"Version\": 1")
        }
        guard let key = json["AccessKeyId"]?.string, let secret = json["SecretAccessKey"]?.string else {
            throw CredentialsError(message: "profile \(profile): credential_process printed no AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: json["SessionToken"]?.string,
                              origin: "profile \(profile) (credential_process)", expiration: json["Expiration"]?.string.flatMap(Timestamp.parse))
    }
}
