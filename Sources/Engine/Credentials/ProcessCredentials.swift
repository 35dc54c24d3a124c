import Foundation

/// A profile's `credential_process`: a command (run with /bin/sh) that prints
/// `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`.
struct ProcessCredentials {
    let command: String
    let profile: String

    func credentials() throws -> AWSCredentials {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CredentialsError(message: "profile \(profile): credential_process could not be started: \(error)")
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CredentialsError(message: "profile \(profile): credential_process exited with status \(process.terminationStatus)\(complaint.isEmpty ? "" : ": \(complaint.prefix(300))")")
        }
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
