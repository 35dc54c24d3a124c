import Foundation
import Testing
import TestSupport
@testable import Engine

/// The HTTP endpoint's own behaviour, over real loopback sockets: what it answers before
/// the daemon runs, when the daemon stops publishing (its tasks wedged), to requests it
/// does not serve, and while idle connections crowd it; and the verdicts it serves.
@Suite struct StatusServerTests {
    @Test func aDaemonThatStopsPublishingIsNeitherHealthyNorReady() throws {
        let clock = ManualClock()
        let served = ServedStatus(staleAfterSeconds: 60, clock: clock.read)
        let server = try StatusServer.start(ListenAddress(host: "127.0.0.1", port: 0), status: served)
        defer { server.stop() }

        // Starting: alive, not ready.
        #expect(try Self.get(server, "/healthz").status == 200)
        let starting = try Self.get(server, "/readyz")
        #expect(starting.status == 503 && starting.body.contains("starting"), "\(starting)")

        served.publish(metrics: "# HELP logstream_x x\n# TYPE logstream_x gauge\nlogstream_x 7\n", verdict: ServedStatus.Verdict())
        #expect(try Self.get(server, "/healthz").body == "ok\n")
        #expect(try Self.get(server, "/readyz").body == "ready\n")
        let metrics = try Self.get(server, "/metrics")
        #expect(metrics.status == 200 && metrics.head.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(metrics.body.contains("logstream_x 7\n") && metrics.body.contains("process_cpu_seconds_total "))
        #expect(metrics.body.contains("logstream_status_age_seconds 0\n"))

        // A minute and more without a publication: the daemon's tasks no longer run.
        clock.advance(61)
        let wedged = try Self.get(server, "/healthz")
        #expect(wedged.status == 503 && wedged.body.contains("has not refreshed its status for 61 s"), "\(wedged)")
        #expect(try Self.get(server, "/readyz").status == 503)
        #expect(try Self.get(server, "/metrics").body.contains("logstream_status_age_seconds 61\n"))

        served.publish(metrics: "", verdict: ServedStatus.Verdict())
        #expect(try Self.get(server, "/healthz").status == 200)
    }

    @Test func requestsItDoesNotServeGetClearAnswers() throws {
        let served = ServedStatus(staleAfterSeconds: 60)
        let server = try StatusServer.start(ListenAddress(host: "127.0.0.1", port: 0), status: served)
        defer { server.stop() }
        #expect(try Self.exchange(server, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n").status == 405)
        #expect(try Self.exchange(server, "GET /nothing HTTP/1.1\r\n\r\n").status == 404)
        #expect(try Self.exchange(server, "hello\r\n\r\n").status == 400)
        let huge = try Self.exchange(server, "GET /metrics HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
        #expect(huge.status == 431)
        let head = try Self.exchange(server, "HEAD /healthz HTTP/1.1\r\n\r\n")
        #expect(head.status == 200 && head.body.isEmpty && head.head.contains("Content-Length: 3"))
    }

    @Test func idleConnectionsCannotLockAProbeOut() throws {
        let served = ServedStatus(staleAfterSeconds: 60)
        served.publish(metrics: "", verdict: ServedStatus.Verdict())
        let server = try StatusServer.start(ListenAddress(host: "127.0.0.1", port: 0), status: served)
        defer { server.stop() }
        let idle = try (0..<(StatusServer.maxConnections * 3)).map { _ in try Self.connect(server) }
        defer { idle.forEach { close($0) } }
        #expect(try Self.get(server, "/healthz").status == 200)
    }

    @Test func theVerdictsFollowTheFacts() {
        let health = DaemonHealth(pollSeconds: 5, httpTimeoutSeconds: 10)
        #expect(health.tailLimitSeconds == 50)
        let calm = DaemonHealth.Facts(now: 1000, tailMoved: 990, tailExpected: true, stalledSides: [],
                                      stress: ["elasticsearch": .calm, "cloudwatch 1:us-east-1": .calm])
        #expect(health.verdict(calm) == ServedStatus.Verdict())

        var still = calm
        still.tailMoved = 900
        let wedged = health.verdict(still)
        #expect(wedged.problems.count == 1 && wedged.problems[0].contains("for 100 s (limit 50 s)") && wedged.notReady == wedged.problems)

        // Held up by a failing service: not ready, not a reason to restart.
        still.stress["elasticsearch"] = .critical
        let waiting = health.verdict(still)
        #expect(waiting.problems.isEmpty)
        #expect(waiting.notReady == ["elasticsearch: requests fail again and again (stress critical); shipping waits for it"])

        // Nothing to poll (every group subscribed, held elsewhere or resting): no tail rule.
        var idle = calm
        idle.tailMoved = 0
        idle.tailExpected = false
        #expect(health.verdict(idle).problems.isEmpty)

        var stalled = calm
        stalled.stalledSides = ["elasticsearch"]
        #expect(health.verdict(stalled).problems == ["requests to elasticsearch are waiting and none has ended (stall watchdog)"])

        var leasing = calm
        leasing.leaseRoundSeconds = 20
        #expect(health.verdict(leasing).notReady == ["no lease round has succeeded yet"])
        leasing.leaseRoundSucceeded = 990
        #expect(health.verdict(leasing).notReady.isEmpty)
        leasing.leaseRoundSucceeded = 950
        #expect(health.verdict(leasing).notReady == ["the last lease round succeeded 50 s ago (rounds every 20 s)"])
    }

    @Test func listenAddressesParseOrSayWhy() throws {
        #expect(try ListenAddress.parse("0.0.0.0:9464").get() == ListenAddress(host: "0.0.0.0", port: 9464))
        #expect(try ListenAddress.parse(":9464").get() == ListenAddress(host: "", port: 9464))
        #expect(try ListenAddress.parse("[::1]:9464").get() == ListenAddress(host: "::1", port: 9464))
        #expect(try ListenAddress.parse("[::1]:9464").get().description == "[::1]:9464")
        for bad in ["9464", "host:", "host:99999", "::1:9464", "[::1]9464", "a b:1"] {
            #expect(throws: ListenAddressError.self, "\(bad)") { try ListenAddress.parse(bad).get() }
        }
    }

    // MARK: - A raw HTTP client

    struct Answer: CustomStringConvertible {
        var status: Int
        var head: String
        var body: String
        var description: String { "\(status) \(body)" }
    }

    static func get(_ server: StatusServer, _ path: String) throws -> Answer {
        try exchange(server, "GET \(path) HTTP/1.1\r\nHost: test\r\n\r\n")
    }

    /// Sends `request`, reads until the server closes (it answers one request a connection).
    static func exchange(_ server: StatusServer, _ request: String) throws -> Answer {
        let fd = try connect(server)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            // Only the unsent rest of a non-empty array is handed to send(2).
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may answer and close before reading all (431)
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
            throw ConfigError("no HTTP answer: \(text)")
        }
        return Answer(status: status, head: String(text[..<split.lowerBound]), body: String(text[split.upperBound...]))
    }

    static func connect(_ server: StatusServer) throws -> Int32 {
        try LoopbackSocket.connect(port: Int(server.address.split(separator: ":").last!)!)
    }
}
