/// The index template installed for a prefix: explicit mappings for the fixed fields so
/// they never depend on which document happened to arrive first. With data streams it
/// covers only the versioned targets (`{prefix}-*-v1`, `-v2`), so other indices under the
/// prefix stay ordinary indices.
public enum IndexTemplate {
    public static func body(layout: IndexLayout, mode: StorageMode = .aliases) -> JSONValue {
        let keyword: JSONValue = ["type": "keyword"]
        let date: JSONValue = ["type": "date"]
        let mappings: JSONValue = [
            "properties": [
                "@timestamp": date,
                "message": ["type": "text"],
                "event": ["properties": ["id": keyword, "ingested": date]],
                "cloud": ["properties": ["provider": keyword, "region": keyword]],
                "aws": ["properties": ["cloudwatch": ["properties": ["log_group": keyword, "log_stream": keyword]]]],
                "log": ["properties": ["level": keyword]],
                "logstream": ["properties": [
                    "id_hash": ["type": "long"],
                    "truncated": ["type": "boolean"], "original_bytes": ["type": "long"], "json_fields_dropped": ["type": "long"],
                    "conflicts": ["properties": [
                        "field": keyword, "value": ["type": "keyword", "ignore_above": 8191], "reason": ["type": "keyword", "ignore_above": 1024],
                    ]],
                ]],
            ],
        ]
        switch mode {
        case .aliases:
            return [
                "index_patterns": [.string(layout.pattern)],
                "priority": 200,
                "template": ["mappings": mappings],
                "_meta": ["managed_by": "logstream"],
            ]
        case .dataStreams:
            return [
                "index_patterns": .array(layout.versionedPatterns.map { .string($0) }),
                "data_stream": [:],
                "priority": 200,
                "template": ["mappings": mappings],
                "_meta": ["managed_by": "logstream"],
            ]
        }
    }
}
