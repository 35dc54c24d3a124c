/// An error a report carries, kept with its type until it is shown to a person: the daemon
/// can still tell a permanent CloudWatch error (a deleted group) from a passing one, and
/// the report prints exactly what the error says.
public struct ReportedError: Error, Sendable, Equatable, CustomStringConvertible {
    let underlying: any Error
    /// What was being done, said before the error itself.
    let context: String?

    init(_ error: any Error, context: String? = nil) {
        underlying = (error as? ReportedError)?.underlying ?? error
        self.context = context
    }

    public var description: String { context.map { "\($0): \(underlying)" } ?? "\(underlying)" }

    public static func == (lhs: ReportedError, rhs: ReportedError) -> Bool { lhs.description == rhs.description }
}
