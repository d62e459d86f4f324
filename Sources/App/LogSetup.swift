import Foundation
import Logging

/// Logging for every binary: swift-log to stderr (journald collects it under systemd), level from
/// `HOLDFAST_LOG_LEVEL` (default `info`).
public enum LogSetup {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let name = ProcessInfo.processInfo.environment["HOLDFAST_LOG_LEVEL"] ?? "info"
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
