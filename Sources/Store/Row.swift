/// One result row, read by column name.
public struct Row: Sendable {
    public let columns: [String: SQLValue]

    /// A row of `columns` by name: how a database module other than this one (PostgreSQL) hands back rows.
    public init(columns: [String: SQLValue]) {
        self.columns = columns
    }

    /// The column as text, or nil when NULL or absent.
    public func string(_ name: String) -> String? {
        switch columns[name] {
        case .text(let text): return text
        case .integer(let int): return String(int)
        default: return nil
        }
    }

    /// The column as an integer, or nil when NULL or absent.
    public func int(_ name: String) -> Int? {
        switch columns[name] {
        case .integer(let int): return Int(int)
        case .text(let text): return Int(text)
        default: return nil
        }
    }

    /// The column as a boolean (non-zero integer).
    public func bool(_ name: String) -> Bool { (int(name) ?? 0) != 0 }

    /// The column as bytes.
    public func blob(_ name: String) -> [UInt8]? {
        if case .blob(let bytes) = columns[name] { return bytes }
        return nil
    }
}
