import Testing
@testable import Engine

/// Item-level answers that look like a refused document but go away when an operator fixes
/// the index must be held and retried, never dead-lettered: a dead letter is acknowledged
/// and the checkpoint moves past it.
@Suite struct BulkItemOutcomeTests {
    @Test(arguments: [
        (400, "index_closed_exception", "closed"),
        (400, "illegal_argument_exception", "no write index is defined for alias [cloudwatch-a]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index"),
        (400, "invalid_index_name_exception", "Invalid index name [cloudwatch-a], already exists as alias"),
        (404, "index_not_found_exception", "no such index [cloudwatch-a-v1]"),
        (403, "cluster_block_exception", "index [cloudwatch-a-v1] blocked by: [FORBIDDEN/8/index write (api)];"),
    ])
    func answersAnOperatorFixesHoldTheDocument(status: Int, type: String, reason: String) {
        #expect(BulkItemResult(status: status, errorType: type, reason: reason).outcome == .blocked)
    }

    @Test(arguments: [
        (400, "mapper_parsing_exception", "failed to parse field [status] of type [long]"),
        (400, "document_parsing_exception", "[1:42] failed to parse field [status] of type [long]"),
        (400, "illegal_argument_exception", "mapper [status] cannot be changed from type [long] to [text]"),
    ])
    func answersAboutTheDocumentItselfAreRefusals(status: Int, type: String, reason: String) {
        #expect(BulkItemResult(status: status, errorType: type, reason: reason).outcome == .rejected)
    }
}
