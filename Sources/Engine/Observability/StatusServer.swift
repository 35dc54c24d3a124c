import Foundation
import Glibc

/// The daemon's HTTP endpoint (METRICS_ADDR): `/metrics` in Prometheus' text format,
/// `/healthz` and `/readyz` (200 or 503 with the reasons, one a line), answered from what
/// the daemon last published (`ServedStatus`).
///
/// A small listener rather than a server library: one thread, non-blocking sockets and
/// poll(2), HTTP/1.1 GET and HEAD, one request a connection. It is bounded so that no
/// client can starve the daemon or grow its memory: at most `maxConnections` at once (a
/// newcomer evicts the oldest, so idle connections cannot lock a probe out), a request
/// head of at most `maxRequestBytes`, `connectionSeconds` for a connection's whole life,
/// and every answer shares the published bytes instead of copying them. It never runs
/// the daemon's code: a scrape reads a snapshot under a lock, so a slow scraper costs the
/// daemon nothing and a wedged daemon still gets its probes answered (with 503).
final class StatusServer: Sendable {
    static let maxConnections = 32
    static let maxRequestBytes = 8_192
    static let connectionSeconds = 5.0

    /// The address bound (with the port the system picked for port 0).
    let address: String
    private let listener: Int32
    private let status: ServedStatus
    private let stopping = Locked(false)

    /// Binds `address` and starts answering; the error names METRICS_ADDR.
    static func start(_ address: ListenAddress, status: ServedStatus) throws -> StatusServer {
        let listener = try bind(address)
        let server = StatusServer(listener: listener, address: Self.boundAddress(listener, asked: address), status: status)
        let thread = Thread { server.serve() }
        thread.name = "status-server"
        thread.start()
        return server
    }

    private init(listener: Int32, address: String, status: ServedStatus) {
        self.listener = listener
        self.address = address
        self.status = status
    }

    /// Stops answering within a quarter of a second; the listener is closed by its thread.
    func stop() {
        stopping.withLock { $0 = true }
    }

    // MARK: - The loop

    private struct Connection {
        let fd: Int32
        let opened: Double
        var request: [UInt8] = []
        /// Set once the request is read: what is sent, head then body.
        var head: [UInt8] = []
        var body: [UInt8] = []
        var sent = 0

        var answering: Bool { !head.isEmpty }
        var done: Bool { answering && sent == head.count + body.count }
    }

    private func serve() {
        var connections: [Connection] = []
        while !stopping.withLock({ $0 }) {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            fds += connections.map { pollfd(fd: $0.fd, events: Int16($0.answering ? POLLOUT : POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 250)
            if ready > 0 {
                for index in connections.indices where fds[index + 1].revents != 0 {
                    if connections[index].answering { write(&connections[index]) } else { read(&connections[index]) }
                }
            }
            let now = WallClock.monotonicSeconds()
            connections.removeAll { connection in
                let over = connection.done || connection.fd < 0 || now - connection.opened > Self.connectionSeconds
                if over, connection.fd >= 0 { close(connection.fd) }
                return over
            }
            if ready > 0, fds[0].revents & Int16(POLLIN) != 0 { accept(into: &connections, now: now) }
        }
        for connection in connections { close(connection.fd) }
        close(listener)
    }

    private func accept(into connections: inout [Connection], now: Double) {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            if connections.count >= Self.maxConnections {
                close(connections.removeFirst().fd)
            }
            connections.append(Connection(fd: fd, opened: now))
        }
    }

    private func read(_ connection: inout Connection) {
        var buffer = [UInt8](repeating: 0, count: 2_048)
        let count = recv(connection.fd, &buffer, buffer.count, 0)
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
            close(connection.fd)
            connection = Connection(fd: -1, opened: connection.opened)
            return
        }
        guard count > 0 else { return }
        connection.request += buffer[0..<count]
        if let end = Self.headEnd(connection.request) {
            answer(&connection, requestLine: Array(connection.request[0..<end]))
        } else if connection.request.count > Self.maxRequestBytes {
            respond(&connection, status: "431 Request Header Fields Too Large", type: "text/plain; charset=utf-8",
                    body: Array("request head longer than \(Self.maxRequestBytes) bytes\n".utf8), includeBody: true)
        }
        if connection.answering { write(&connection) }
    }

    private func write(_ connection: inout Connection) {
        while !connection.done {
            let headCount = connection.head.count
            let sent: Int
            // The base addresses are of non-empty arrays (only unsent bytes are asked for),
            // and each offset stays below the array's count.
            if connection.sent < headCount {
                sent = connection.head.withUnsafeBytes { bytes in
                    send(connection.fd, bytes.baseAddress! + connection.sent, headCount - connection.sent, Int32(MSG_NOSIGNAL))
                }
            } else {
                let offset = connection.sent - headCount
                sent = connection.body.withUnsafeBytes { bytes in
                    send(connection.fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            if sent > 0 { connection.sent += sent; continue }
            if sent < 0 && (errno == EAGAIN || errno == EINTR) { return }
            close(connection.fd)
            connection = Connection(fd: -1, opened: connection.opened)
            return
        }
    }

    // MARK: - Answers

    private func answer(_ connection: inout Connection, requestLine head: [UInt8]) {
        let line = String(decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            respond(&connection, status: "400 Bad Request", type: "text/plain; charset=utf-8", body: Array("not an HTTP/1 request\n".utf8), includeBody: true)
            return
        }
        let method = parts[0]
        guard method == "GET" || method == "HEAD" else {
            respond(&connection, status: "405 Method Not Allowed", type: "text/plain; charset=utf-8", body: Array("only GET and HEAD\n".utf8),
                    includeBody: true, extra: "Allow: GET, HEAD\r\n")
            return
        }
        let includeBody = method == "GET"
        let path = parts[1].prefix { $0 != "?" }
        switch path {
        case "/metrics":
            let (published, age) = status.metrics
            var text = Array(ProcessMetrics.render().utf8)
            text += Array(("# HELP logstream_status_age_seconds Seconds since the daemon last published its status (-1: starting)\n"
                + "# TYPE logstream_status_age_seconds gauge\nlogstream_status_age_seconds \(Metrics.format(age.map { $0.rounded() } ?? -1))\n").utf8)
            text += published
            respond(&connection, status: "200 OK", type: "text/plain; version=0.0.4; charset=utf-8", body: text, includeBody: includeBody)
        case "/healthz":
            let problems = status.verdict.problems
            respond(&connection, status: problems.isEmpty ? "200 OK" : "503 Service Unavailable", type: "text/plain; charset=utf-8",
                    body: Array((problems.isEmpty ? "ok\n" : problems.map { $0 + "\n" }.joined()).utf8), includeBody: includeBody)
        case "/readyz":
            let notReady = status.verdict.notReady
            respond(&connection, status: notReady.isEmpty ? "200 OK" : "503 Service Unavailable", type: "text/plain; charset=utf-8",
                    body: Array((notReady.isEmpty ? "ready\n" : notReady.map { $0 + "\n" }.joined()).utf8), includeBody: includeBody)
        default:
            respond(&connection, status: "404 Not Found", type: "text/plain; charset=utf-8",
                    body: Array("logstream serves /metrics, /healthz and /readyz\n".utf8), includeBody: includeBody)
        }
    }

    private func respond(_ connection: inout Connection, status: String, type: String, body: [UInt8], includeBody: Bool, extra: String = "") {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\n\(extra)Connection: close\r\n\r\n"
        connection.head = Array(head.utf8)
        connection.body = includeBody ? body : []
        connection.sent = 0
    }

    /// The length of the request head up to its blank line, or nil before it arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            if bytes[index - 1] == UInt8(ascii: "\n") { return index + 1 }
            if index >= 3, bytes[index - 1] == UInt8(ascii: "\r"), bytes[index - 2] == UInt8(ascii: "\n") { return index + 1 }
        }
        return nil
    }

    // MARK: - Binding

    private static func bind(_ address: ListenAddress) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(address.host.isEmpty ? nil : address.host, String(address.port), &hints, &found)
        guard lookup == 0, let first = found else {
            throw ConfigError("METRICS_ADDR \(address): cannot resolve the host (\(String(cString: gai_strerror(lookup))))")
        }
        defer { freeaddrinfo(found) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConfigError("METRICS_ADDR \(address): cannot open a socket (\(String(cString: strerror(errno))))") }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ConfigError("METRICS_ADDR \(address): cannot listen (\(reason))")
        }
        return fd
    }

    /// The bound address as `HOST:PORT`, with the port the system chose for port 0.
    private static func boundAddress(_ fd: Int32, asked: ListenAddress) -> String {
        // sockaddr_storage is large enough for either family; it is read as the family
        // getsockname says it holds.
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let port: Int = withUnsafeMutablePointer(to: &storage) { pointer in
            _ = pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default:
                return asked.port
            }
        }
        return ListenAddress(host: asked.host, port: port).description
    }
}
