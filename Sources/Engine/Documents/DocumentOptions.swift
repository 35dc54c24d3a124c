/// How messages are turned into fields; from the JSON_* and MAX_MESSAGE_BYTES settings.
package struct DocumentOptions: Sendable, Equatable {
    /// Where a message's parsed JSON object goes; nil turns parsing off.
    var jsonField: String?
    /// Object nesting kept as objects below `jsonField`; deeper objects become JSON text.
    var maxDepth: Int
    /// Leaf fields kept from one message; the rest stays in `message` only.
    var maxFields: Int
    /// Longer messages are cut (at a character boundary) and flagged.
    var maxMessageBytes: Int

    init(jsonField: String? = "json", maxDepth: Int = 6, maxFields: Int = 500, maxMessageBytes: Int = 1_048_576) {
        self.jsonField = jsonField
        self.maxDepth = maxDepth
        self.maxFields = maxFields
        self.maxMessageBytes = maxMessageBytes
    }
}
