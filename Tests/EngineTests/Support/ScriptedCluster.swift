import Synchronization
@testable import Engine

/// A fake for what the rig cannot show: an Elasticsearch with data streams (osmem has
/// none). It answers each request from a script of (method, path prefix) → (status, body)
/// — entries with the same method and path are used in turn, the last one again and again
/// — or from a function of the request, and records every request, so a test can check
/// the shapes logstream sends against Elasticsearch's own reference and REST tests.
final class ScriptedCluster: HTTPTransport {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var body: JSONValue?
        /// The body as sent (NDJSON bodies do not parse as one JSON value).
        var text: String
    }

    typealias Answer = (method: String, path: String, status: Int, body: String)

    private let answers: [Answer]
    private let handler: (@Sendable (Recorded) -> (status: Int, body: String)?)?
    private let log = Mutex<[Recorded]>([])
    private let used = Mutex<[Int: Int]>([:])

    init(_ answers: [Answer]) {
        self.answers = answers
        handler = nil
    }

    /// Answers from `handler` (nil: 404 index_not_found).
    init(handler: @escaping @Sendable (Recorded) -> (status: Int, body: String)?) {
        answers = []
        self.handler = handler
    }

    var requests: [Recorded] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let text = String(decoding: request.body, as: UTF8.self)
        let body = request.body.isEmpty ? nil : try? JSONParser().parse(Array(request.body))
        let recorded = Recorded(method: request.method, path: path, body: body, text: text)
        log.withLock { $0.append(recorded) }
        if let handler {
            guard let answer = handler(recorded) else { return Self.notFound }
            return HTTPResponse(status: answer.status, body: Array(answer.body.utf8))
        }
        guard let first = answers.firstIndex(where: { $0.method == request.method && path.hasPrefix($0.path) }) else { return Self.notFound }
        let turns = answers.indices.filter { answers[$0].method == answers[first].method && answers[$0].path == answers[first].path }
        let chosen = used.withLock { counts -> Int in
            let next = turns.first { counts[$0, default: 0] == 0 } ?? turns[turns.count - 1]
            counts[next, default: 0] += 1
            return next
        }
        return HTTPResponse(status: answers[chosen].status, body: Array(answers[chosen].body.utf8))
    }

    static let notFound = HTTPResponse(status: 404, body: Array(#"{"error":{"type":"index_not_found_exception","reason":"no such index"},"status":404}"#.utf8))

    func client() -> ElasticsearchClient {
        ElasticsearchClient(transport: self, baseURL: "http://es.test:9200", auth: .none, tls: TLSOptions(), timeoutSeconds: 5)
    }
}
