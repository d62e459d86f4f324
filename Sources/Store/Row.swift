/// One result row, read by column name.
///
/// The names live once per result in a shared `Layout`, and each row holds only its values in column order:
/// building a dictionary per row (hashing every column name again for every row) was most of the cost of
/// reading a list of connections.
public struct Row: Sendable {
    /// A result's column names and the position of each; a name that appears twice means its last column.
    public final class Layout: Sendable {
        public let names: [String]
        let positions: [String: Int]

        public init(names: [String]) {
            self.names = names
            var positions: [String: Int] = [:]
            positions.reserveCapacity(names.count)
            for (index, name) in names.enumerated() { positions[name] = index }
            self.positions = positions
        }
    }

    let layout: Layout
    let values: [SQLValue]

    /// A row of `values` in `layout`'s column order.
    public init(layout: Layout, values: [SQLValue]) {
        self.layout = layout
        self.values = values
    }

    /// A row of `columns` by name (a layout of its own).
    public init(columns: [String: SQLValue]) {
        let names = Array(columns.keys)
        self.init(layout: Layout(names: names), values: names.map { columns[$0]! })
    }

    /// Every column by name (the last of a repeated name).
    public var columns: [String: SQLValue] {
        Dictionary(zip(layout.names, values), uniquingKeysWith: { $1 })
    }

    /// The value of column `name`, or nil when absent.
    @inline(__always)
    private func value(_ name: String) -> SQLValue? {
        layout.positions[name].map { values[$0] }
    }

    /// The column as text, or nil when NULL or absent.
    public func string(_ name: String) -> String? {
        switch value(name) {
        case .text(let text): return text
        case .integer(let int): return String(int)
        default: return nil
        }
    }

    /// The column as an integer, or nil when NULL or absent.
    public func int(_ name: String) -> Int? {
        switch value(name) {
        case .integer(let int): return Int(int)
        case .text(let text): return Int(text)
        default: return nil
        }
    }

    /// The column as a boolean (non-zero integer).
    public func bool(_ name: String) -> Bool { (int(name) ?? 0) != 0 }

    /// The column as bytes.
    public func blob(_ name: String) -> [UInt8]? {
        if case .blob(let bytes) = value(name) { return bytes }
        return nil
    }
}
