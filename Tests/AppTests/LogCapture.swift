import Foundation
import Logging

/// A log handler for tests that keeps every line (level, message, metadata).
final class LogCapture: LogHandler, @unchecked Sendable {
    // @unchecked: `captured` is only touched under `lock`.
    private let lock = NSLock()
    private var captured: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] = []
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lock.withLock { captured.append((event.level, "\(event.message)", event.metadata ?? [:])) }
    }
    var lines: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] { lock.withLock { captured } }
}
