// Swift 6.3.1, x86_64 Linux, -O: a task-group child that builds its tuple result with a
// `try await` inside `do`, and the same tuple in `catch`, returns garbage on success.
//
//     swiftc -O -swift-version 6 main.swift -o repro && ./repro   # crashes
//     swiftc -Onone -swift-version 6 main.swift -o repro && ./repro   # prints "ok"
//
// The child's result is returned indirectly (TaskGroup's generic ChildTaskResult). The
// SIL stores `name` into the result before the call and the Int after it; in the LLVM IR
// the success path writes only the Int: the store of `name` is dropped, so the group
// copies an uninitialised String out of the child's result ("pure virtual method called",
// or a bad pointer in swift_retain under TaskGroupBase::prepareWaitingTaskWithTask).
// Binding the awaited value first (`let n = try await work(name); return (name, n)`) or
// `try?` instead of do/catch does not crash.
func work(_ name: String) async throws -> Int {
    try await Task.sleep(nanoseconds: UInt64.random(in: 1_000...2_000_000))
    return name.utf8.count
}

func round(_ names: [String]) async -> Int {
    await withTaskGroup(of: (String, Int).self) { group in
        for name in names {
            group.addTask {
                do { return (name, try await work(name)) } catch { return (name, 0) }
            }
        }
        var total = 0
        for await (name, count) in group { total += name.utf8.count + count }
        return total
    }
}

let names = (0..<5).map { "a-string-too-long-to-be-inline-\($0)" }
var total = 0
for _ in 0..<2_000 { total += await round(names) }
print("ok", total)
