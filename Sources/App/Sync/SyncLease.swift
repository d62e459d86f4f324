import Foundation

/// Who holds a sync lease, how long a lease lasts, and whether its holder can be proven dead. The lease rows
/// themselves are `ConnectionStore`'s (`ConnectionStore+Claims`).
///
/// Responders and timers may run on several hosts sharing one PostgreSQL database, so a holder id names the
/// process *space* it lives in: the kernel's boot id and the pid namespace. Only a holder in this very space can
/// be looked up in `/proc`; a holder anywhere else is never judged dead, its lease simply expires.
public enum SyncLease {
    /// How long a lease lasts by default (`HOLDFAST_SYNC_LEASE_SECONDS`): longer than the slowest sync (the
    /// 45 s conversation deadline and the write after it), short enough that a crash frees the connection
    /// within minutes.
    public static let defaultDuration: TimeInterval = 180

    /// A holder id for this process: `space:pid:start-time:random`, where `space` is `processSpace`.
    public static func holderID() -> String {
        let pid = getpid()
        return "\(processSpace):\(pid):\(processStartTime(pid) ?? "?"):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// This process's space: the first 12 hex digits of the boot id (a new one every boot, so pids of an
    /// earlier boot never match) and the inode of the pid namespace (containers on one kernel number their
    /// processes separately). "unknown" when either cannot be read: then no holder is ever judged dead.
    static let processSpace: String = {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
              let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid") else {
            return "unknown"
        }
        let bootID = boot.filter(\.isHexDigit).prefix(12)
        let inode = namespace.filter(\.isNumber)
        guard bootID.count == 12, !inode.isEmpty else { return "unknown" }
        return "\(bootID)-\(inode)"
    }()

    /// Whether the process named in `holder` may still run: false only when the holder is in this process
    /// space and its pid is gone or was reused. Unknown formats and other spaces (another host, container or
    /// boot) count as alive: their leases are left to expire, never stolen.
    static func isAlive(_ holder: String) -> Bool {
        var parts = holder.split(separator: ":").map(String.init)
        switch parts.count {
        case 4:
            guard parts[0] == processSpace, processSpace != "unknown" else { return true }
            parts.removeFirst()
        case 3:
            // The format before holders named their space, when responder and timer had to share one host:
            // such a holder ran here.
            break
        default:
            return true
        }
        guard let pid = Int32(parts[0]), parts[1] != "?" else { return true }
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
