import Commands
import Glibc

exit(await CLI.run(arguments: CommandLine.arguments))
