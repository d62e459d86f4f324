import Foundation
import Logging

/// Logging for every binary: swift-log to stderr (journald collects it under systemd), level from
/// `HOLDFAST_LOG_LEVEL` (default `info`), and the current request's id on every line logged while serving it.
/// Under systemd each line starts with its syslog priority (`JournalLogHandler`).
public enum LogSetup {
    private static let once: Void = {
        let environment = ProcessInfo.processInfo.environment
        let journal = JournalStream.matches(environment["JOURNAL_STREAM"], identity: JournalStream.standardErrorIdentity())
        LoggingSystem.bootstrap { label in
            var handler = RequestIDLogHandler(
                inner: JournalLogHandler(label: label, sink: StandardErrorStream(), prefixesPriority: journal))
            let name = environment["HOLDFAST_LOG_LEVEL"] ?? "info"
            handler.logLevel = Logger.Level(rawValue: name.lowercased()) ?? .info
            return handler
        }
    }()

    /// Bootstraps logging once and returns a logger named `label`.
    public static func logger(_ label: String) -> Logger {
        _ = once
        return Logger(label: label)
    }
}

/// The request being served on this task, if any. Set around each request by `Application.handle`; tasks
/// started while serving it (exchange calls, syncs) inherit it, so their log lines carry it too.
public enum RequestContext {
    @TaskLocal public static var requestID: String?
}

/// Adds `request_id` from `RequestContext` to every line, whichever logger wrote it.
struct RequestIDLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if let id = RequestContext.requestID, event.metadata?["request_id"] == nil {
            event.metadata = (event.metadata ?? [:]).merging(["request_id": "\(id)"]) { $1 }
        }
        inner.log(event: event)
    }
}
