import Foundation
import Glibc
import Logging

/// Writes swift-log lines to a stream in `StreamLogHandler`'s format, each line prefixed with its syslog
/// priority (`<3>` for an error) when journald reads the stream, so `journalctl -p err` finds errors.
///
/// journald parses a leading `<N>` on every line of a service's stdout/stderr as the line's priority
/// (sd-daemon(3), "SD_ERR"); without it every line gets the unit's default, info. Outside systemd the lines
/// stay exactly as before, without a prefix a person would have to read past.
struct JournalLogHandler: LogHandler {
    let label: String
    let sink: any TextOutputStream & Sendable
    /// Whether to add the `<N>` prefix: true only when stderr is journald's stream (`JournalStream`).
    let prefixesPriority: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let stream: any TextOutputStream & Sendable =
            prefixesPriority ? PriorityPrefixStream(prefix: "<\(Self.priority(of: event.level))>", inner: sink) : sink
        // A StreamLogHandler per line: its stream is fixed at creation, and the prefix depends on the level.
        var handler = StreamLogHandler(label: label, stream: stream, metadataProvider: nil)
        handler.logLevel = logLevel
        handler.metadata = metadata
        handler.log(event: event)
    }

    /// The syslog priority (RFC 5424 severity) journald files a line of `level` under: critical 2, error 3,
    /// warning 4, notice 5, info 6, debug and trace 7.
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }
}

/// Prefixes every line written through it (a message may contain newlines) with `prefix`.
private struct PriorityPrefixStream: TextOutputStream, Sendable {
    let prefix: String
    var inner: any TextOutputStream & Sendable

    mutating func write(_ string: String) {
        var lines = string.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        inner.write(lines.map { prefix + $0 }.joined(separator: "\n") + (endsWithNewline ? "\n" : ""))
    }
}

/// Standard error, one `write(2)` per line so lines from different threads never interleave.
///
/// A line that cannot be written (stderr closed, a journal socket gone) is dropped: `FileHandle.write` would
/// trap there, and a log line is never worth the process.
struct StandardErrorStream: TextOutputStream, Sendable {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}

/// Whether this process's stderr is journald's stream.
///
/// systemd sets `JOURNAL_STREAM=DEVICE:INODE` for a service whose stderr goes to the journal (systemd.exec(5));
/// a child that redirected its stderr inherits the variable, so sd-daemon(3) says to compare it with fstat(2)
/// of the descriptor before trusting it.
enum JournalStream {
    /// True when `value` (the `JOURNAL_STREAM` variable) names the device and inode of `identity`
    /// (stderr's, from fstat), false when either is missing or they differ.
    static func matches(_ value: String?, identity: (device: UInt64, inode: UInt64)?) -> Bool {
        guard let value, let identity else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        return device == identity.device && inode == identity.inode
    }

    /// stderr's device and inode, or nil when fstat fails.
    static func standardErrorIdentity() -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
