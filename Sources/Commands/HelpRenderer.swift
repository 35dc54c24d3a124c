import Engine

/// `--help` text, produced from the command table and the settings catalog.
public enum HelpRenderer {
    public static func render(path: [String], root: CommandSpec = CommandTable.root) -> String {
        var command = root
        for name in path {
            guard let sub = command.subcommand(named: name) else { break }
            command = sub
        }
        let fullName = (["logstream"] + path).joined(separator: " ")
        var out = "\(fullName) — \(command.summary)\n\n"
        out += "Usage: \(usage(command, fullName: fullName))\n"
        if !command.details.isEmpty {
            out += "\n" + wrap(command.details, width: 80, indent: "") + "\n"
        }
        if !command.subcommands.isEmpty {
            out += "\nCommands:\n"
            let width = (command.subcommands.map(\.name.count).max() ?? 0) + 2
            for sub in command.subcommands {
                out += "  \(sub.name.padding(width))\(sub.summary)\n"
            }
        }
        if !command.arguments.isEmpty {
            out += "\nArguments:\n"
            for argument in command.arguments {
                out += "  \(argument.name.padding(24))\(argument.help)\n"
            }
        }
        if !command.options.isEmpty {
            out += "\nOptions:\n" + optionLines(command.options)
        }
        out += "\nGlobal options:\n" + optionLines(CommandTable.globalOptions)
        if !command.examples.isEmpty {
            out += "\nExamples:\n" + command.examples.map { "  \($0)\n" }.joined()
        }
        if path.isEmpty {
            out += "\nRun 'logstream COMMAND --help' for a command's options. Settings (environment or config.toml):\n"
            for spec in SettingsCatalog.all {
                let fallback = spec.defaultValue.map { " [default: \($0.isEmpty ? "empty" : $0)]" } ?? ""
                out += "  \(spec.name.padding(32))\(spec.summary)\(fallback)\n"
            }
        }
        out += "\nExit status:\n"
        for (code, meaning) in CommandTable.exitCodes {
            out += "  \(code)  \(meaning)\n"
        }
        return out
    }

    static func usage(_ command: CommandSpec, fullName: String) -> String {
        var parts = [fullName]
        if !command.subcommands.isEmpty { parts.append("COMMAND") }
        if !command.options.isEmpty || command.subcommands.isEmpty { parts.append("[OPTIONS]") }
        for argument in command.arguments {
            parts.append(argument.optional ? "[\(argument.name)]" : argument.name)
        }
        return parts.joined(separator: " ")
    }

    static func optionLines(_ options: [OptionSpec]) -> String {
        let labels = options.map(label)
        let width = min(32, (labels.map(\.count).max() ?? 0) + 2)
        var out = ""
        for (option, label) in zip(options, labels) {
            let gap = label.count + 2 > width ? "\n  " + String(repeating: " ", count: width) : String(repeating: " ", count: width - label.count)
            out += "  \(label)\(gap)\(describe(option))\n"
        }
        return out
    }

    static func label(_ option: OptionSpec) -> String {
        var text = option.short.map { "-\($0), " } ?? "    "
        text += "--\(option.long)"
        if let value = option.valueName { text += " \(value)" }
        return text
    }

    static func describe(_ option: OptionSpec) -> String {
        var text = option.help
        if let name = option.setting, let spec = SettingsCatalog.spec(named: name) {
            var notes = ["env: \(name)"]
            if let value = spec.defaultValue { notes.append("default: \(value)") }
            text += " [\(notes.joined(separator: ", "))]"
        }
        return text
    }

    static func wrap(_ text: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width && line.count > indent.count {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
