import Synchronization
@testable import Engine

/// A fake for what the rig cannot show: an Elasticsearch with data streams (osmem has
/// none). It answers each request from a script of (method, path prefix) → (status, body)
/// and records every request, so a test can check the shapes logstream sends against the
/// Elasticsearch documentation.
final class ScriptedCluster: HTTPTransport {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var body: JSONValue?
    }

    private let answers: [(method: String, path: String, status: Int, body: String)]
    private let log = Mutex<[Recorded]>([])

    init(_ answers: [(method: String, path: String, status: Int, body: String)]) {
        self.answers = answers
    }

    var requests: [Recorded] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = String(request.url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let body = request.body.isEmpty ? nil : try? JSONParser().parse(Array(request.body))
        log.withLock { $0.append(Recorded(method: request.method, path: path, body: body)) }
        guard let answer = answers.first(where: { $0.method == request.method && path.hasPrefix($0.path) }) else {
            return HTTPResponse(status: 404, body: Array(#"{"error":{"type":"index_not_found_exception","reason":"no such index"},"status":404}"#.utf8))
        }
        return HTTPResponse(status: answer.status, body: Array(answer.body.utf8))
    }

    func client() -> ElasticsearchClient {
        ElasticsearchClient(transport: self, baseURL: "http://es.test:9200", auth: .none, tls: TLSOptions(), timeoutSeconds: 5)
    }
}
