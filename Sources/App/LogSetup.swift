import Foundation
import Logging

/// Logging for every binary: swift-log to stderr (journald collects it under systemd), level from
/// `HOLDFAST_LOG_LEVEL` (default `info`), and the current request's id on every line logged while serving it.
/// Under systemd each line starts with its syslog priority (`JournalLogHandler`).
public enum LogSetup {
    /// The handler factory, installed once per process (swift-log allows one bootstrap).
    private static let bootstrap = Bootstrap()

    /// Bootstraps logging once and returns a logger named `label`. `environment` is the process's: its
    /// `HOLDFAST_LOG_LEVEL` sets the level (an unusable value logs at `info` here; `Configuration.load` then
    /// refuses it by name), and systemd's `JOURNAL_STREAM` (process protocol, read only here) says whether
    /// stderr is the journal.
    public static func logger(_ label: String, environment: [String: String]) -> Logger {
        bootstrap.once(level: (try? Configuration.logLevel(environment: environment)) ?? .info,
                       journal: JournalStream.matches(environment["JOURNAL_STREAM"],
                                                      identity: JournalStream.standardErrorIdentity()))
        return Logger(label: label)
    }

    /// Runs `LoggingSystem.bootstrap` the first time only.
    ///
    /// `@unchecked Sendable`: `done` is only read or written under `lock`.
    private final class Bootstrap: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false

        func once(level: Logger.Level, journal: Bool) {
            lock.withLock {
                guard !done else { return }
                done = true
                LoggingSystem.bootstrap { label in
                    var handler = RequestIDLogHandler(
                        inner: JournalLogHandler(label: label, sink: StandardErrorStream(), prefixesPriority: journal))
                    handler.logLevel = level
                    return handler
                }
            }
        }
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
