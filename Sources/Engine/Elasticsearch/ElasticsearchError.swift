/// A request Elasticsearch answered with an error status.
struct ElasticsearchError: Error, CustomStringConvertible, Sendable {
    var method: String
    var path: String
    var status: Int
    var type: String
    var reason: String

    var description: String {
        var text = "Elasticsearch \(method) \(path) failed: HTTP \(status) \(type): \(reason)"
        switch status {
        case 401: text += "; check ES_USER/ES_PASS or ES_API_KEY"
        case 403: text += "; the Elasticsearch user lacks a privilege for this request, or the index is blocked"
        default: break
        }
        return text
    }

    static func from(_ response: HTTPResponse, method: String, path: String) -> ElasticsearchError {
        let json = try? JSONParser().parse(response.body)
        let error = json?["error"]
        let type = error?["type"]?.string ?? error?.string ?? "http_\(response.status)"
        let reason = error?["reason"]?.string ?? (json == nil ? String(response.bodyText.prefix(300)) : "")
        return ElasticsearchError(method: method, path: path, status: response.status, type: type, reason: reason)
    }
}
