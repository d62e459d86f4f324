import CSV
import Exchanges
import Foundation

/// CSV documents for spreadsheets (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a
/// comma, a quote or a line break, quotes doubled), written by CSV.swift's `CSVWriter`, with a header row.
///
/// Spreadsheet formula injection (OWASP "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets; such a cell gets a
/// leading `'`, which the spreadsheet shows as text. Amounts are never changed: a decimal string (including a
/// negative one) is written as is, so exact values survive the round trip.
enum CSVExport {
    /// The document of `header` and `rows` (every row as long as the header), CRLF line ends, ending in CRLF.
    static func document(header: [String], rows: [[String]]) -> [UInt8] {
        let stream = OutputStream(toMemory: ())
        defer { stream.close() }
        // The writer opens the stream. Writing to memory cannot fail but for a bug in the writer; an empty document is then what it left.
        guard let writer = try? CSVWriter(stream: stream, codecType: UTF8.self, delimiter: ",", newline: .crlf) else { return [] }
        try? writer.write(row: header.map(cell))
        for row in rows { try? writer.write(row: row.map(cell)) }
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return [] }
        return Array(data) + Array("\r\n".utf8)
    }

    /// `value` made safe for a spreadsheet: a decimal number as is; text that a spreadsheet would read as a
    /// formula behind a `'`.
    static func cell(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return value }
        if DecimalString.canonical(value) != nil { return value }
        return "'" + value
    }
}
