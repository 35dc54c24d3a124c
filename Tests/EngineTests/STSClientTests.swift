import Synchronization
import Testing
@testable import Engine

/// STS's Query API: the request form and the XML answers, as the STS API reference shows them.
@Suite struct STSClientTests {
    final class OneAnswer: HTTPTransport {
        let status: Int, body: String
        let sent = Mutex<[HTTPRequest]>([])
        init(_ status: Int, _ body: String) { self.status = status; self.body = body }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            sent.withLock { $0.append(request) }
            return HTTPResponse(status: status, body: Array(body.utf8))
        }
    }

    // AssumeRole API reference, sample response (trimmed).
    static let assumed = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>\
        <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\
        <SessionToken>AQoDYXdzEPT//////////wEXAMPLE&amp;token</SessionToken><Expiration>2019-11-09T13:34:41Z</Expiration>\
        </Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn></AssumedRoleUser>\
        </AssumeRoleResult></AssumeRoleResponse>
        """
    static let refused = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r</Message>\
        </Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>
        """

    @Test func assumeRoleSendsTheFormAndReadsTheCredentials() async throws {
        let transport = OneAnswer(200, Self.assumed)
        let sts = STSClient(transport: transport, environment: [:], region: "eu-west-1")
        let source = AWSCredentials(accessKeyId: "AKIA", secretAccessKey: "s", origin: "test")
        let credentials = try await sts.assumeRole(roleArn: "arn:aws:iam::123456789012:role/demo", sessionName: "TestAR", externalId: "tenant 42",
                                                   durationSeconds: 900, with: source, origin: "profile x")
        #expect(credentials.accessKeyId == "ASIAIOSFODNN7EXAMPLE" && credentials.sessionToken == "AQoDYXdzEPT//////////wEXAMPLE&token")
        #expect(credentials.expiration == Timestamp.parse("2019-11-09T13:34:41Z"))
        let request = try #require(transport.sent.withLock { $0.first })
        #expect(request.url == "https://sts.eu-west-1.amazonaws.com/")
        let form = String(decoding: request.body, as: UTF8.self)
        #expect(form == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=TestAR&ExternalId=tenant%2042&DurationSeconds=900")
        guard case .awsSigV4(let signing) = request.auth else { Issue.record("not signed"); return }
        #expect(signing.service == "sts" && signing.region == "eu-west-1")
    }

    @Test func refusalsKeepSTSsCodeAndMessage() async throws {
        let sts = STSClient(transport: OneAnswer(403, Self.refused), environment: ["AWS_ENDPOINT_URL_STS": "http://sts.test"], region: "cn-north-1")
        #expect(sts.endpoint == "http://sts.test")
        #expect(STSClient(transport: OneAnswer(200, ""), environment: [:], region: "cn-north-1").endpoint == "https://sts.cn-north-1.amazonaws.com.cn")
        do {
            _ = try await sts.assumeRoleWithWebIdentity(roleArn: "arn:aws:iam::1:role/r", sessionName: "s", token: "t", durationSeconds: nil, origin: "web")
            Issue.record("accepted")
        } catch let refusal as STSClient.Refusal {
            #expect(refusal.code == "AccessDenied" && refusal.message.contains("not authorized to perform: sts:AssumeRole"))
        }
    }

    @Test(arguments: [("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"), ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
                      ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")])
    func sha1(input: String, digest: String) {
        #expect(SHA1.hex(Array(input.utf8)) == digest)
    }
}
