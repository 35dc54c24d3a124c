/// `logstream completions bash|zsh|fish|man`: print a generated script or the man page.
enum CompletionsCommand {
    static func run(_ invocation: Invocation) throws -> Int32 {
        let kind = invocation.arguments[0]
        if kind == "man" {
            Output.print(ManPage.render(), terminator: "")
            return 0
        }
        guard let script = CompletionScripts.script(for: kind) else {
            throw UsageError(message: "unknown shell '\(kind)': expected bash, zsh or fish", commandPath: invocation.path)
        }
        Output.print(script, terminator: "")
        return 0
    }
}
