/// A request Elasticsearch answered with an error status.
struct ElasticsearchError: Error, CustomStringConvertible, Sendable {
    var method: String
    var path: String
    var status: Int
    var type: String
    var reason: String
    /// The reasons under the top one (the innermost `caused_by` first, then any other `root_cause`):
    /// for a refused request body the top reason is often only "failed to parse field
    /// [template]", and the field it could not take is named here.
    var causes: [String] = []

    /// Whether the reason or any cause names `text` (a field, a setting).
    func mentions(_ text: String) -> Bool {
        reason.contains(text) || causes.contains { $0.contains(text) }
    }

    var description: String {
        var text = "Elasticsearch \(method) \(path) failed: HTTP \(status) \(type): \(reason)"
        if let deepest = causes.first(where: { $0 != reason }) { text += " (caused by: \(deepest))" }
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
        var causes: [String] = []
        var cause = error?["caused_by"]
        while let current = cause, causes.count < 8 {
            if let text = current["reason"]?.string { causes.append(text) }
            cause = current["caused_by"]
        }
        causes.reverse()
        for root in error?["root_cause"]?.array ?? [] {
            if let text = root["reason"]?.string, !causes.contains(text) { causes.append(text) }
        }
        return ElasticsearchError(method: method, path: path, status: response.status, type: type, reason: reason, causes: causes)
    }
}
