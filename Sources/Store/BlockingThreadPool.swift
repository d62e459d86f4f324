import Foundation

/// A pool of plain threads that run submitted closures in order of submission: `BlockingWork`'s threads.
///
/// Threads start on demand, when more work is waiting than threads are idle, up to `maxThreads`; after that,
/// work waits in the queue. They live as long as the process (a handful of parked threads cost nothing), so
/// the pool is made once, as a static.
///
/// `@unchecked Sendable`: `pending`, `idle` and `threads` are only touched while `condition` is locked.
final class BlockingThreadPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [() -> Void] = []
    private var idle = 0
    private var threads = 0
    private let maxThreads: Int
    private let name: String

    /// A pool of at most `maxThreads` threads named `name`.
    init(maxThreads: Int, name: String) {
        self.maxThreads = max(1, maxThreads)
        self.name = name
    }

    /// Queues `work` and returns at once; a pool thread runs it.
    func submit(_ work: @escaping () -> Void) {
        condition.lock()
        pending.append(work)
        let startThread = pending.count > idle && threads < maxThreads
        if startThread { threads += 1 }
        condition.signal()
        condition.unlock()
        if startThread {
            let thread = Thread { [self] in self.serve() }
            thread.name = name
            thread.start()
        }
    }

    /// Threads started so far (for tests).
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    private func serve() {
        condition.lock()
        while true {
            while pending.isEmpty {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let work = pending.removeFirst()
            condition.unlock()
            work()
            condition.lock()
        }
    }
}
