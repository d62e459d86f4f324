import Foundation

/// Who holds a sync lease, and whether that process still exists. The lease rows themselves are
/// `ConnectionStore`'s (`ConnectionStore+Claims`).
public enum SyncLease {
    /// How long a lease lasts: longer than the slowest sync (a 30 s exchange timeout, a clock retry, and
    /// Coinbase pages), short enough that a crash frees the connection within minutes.
    public static let duration: TimeInterval = 180

    /// A holder id for this process: `pid:start-time:random`. Both the responder and the timer run on this
    /// host, so `/proc` tells whether the exact process named in a lease still exists (`isAlive`).
    public static func holderID() -> String {
        let pid = getpid()
        return "\(pid):\(processStartTime(pid) ?? "?"):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Whether the process named in `holder` still runs. Unknown formats count as alive (never steal blindly).
    static func isAlive(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count == 3, let pid = Int32(parts[0]), parts[1] != "?" else { return true }
        guard let start = processStartTime(pid) else { return false }
        // Same pid but another start time: the pid was reused by an unrelated process.
        return start == parts[1]
    }

    /// Field 22 of /proc/PID/stat: the process start time in clock ticks since boot.
    static func processStartTime(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let closing = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may contain spaces) start at field 3.
        let fields = stat[stat.index(after: closing)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
