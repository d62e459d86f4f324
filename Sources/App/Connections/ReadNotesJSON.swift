import Foundation

/// The stored form of what a connection's last read noticed but did not count (`exchange_connections.read_notes`,
/// from `AccountBalances.notes`): a JSON array of sentences.
///
/// The sentences are built by the exchange clients from exchange answers (asset names, amounts), so they are
/// bounded here: at most `maximumCount` notes of at most `maximumLength` characters, so a hostile or very large
/// account cannot grow a connection listing without limit.
enum ReadNotesJSON {
    /// Notes kept per connection; the rest are summarised in one last note.
    static let maximumCount = 20
    /// Unicode scalars kept per note (what JSON Schema's `maxLength` counts); a longer one ends with "…".
    static let maximumLength = 400

    /// `notes` bounded as above.
    static func bounded(_ notes: [String]) -> [String] {
        var kept = notes.prefix(maximumCount).map { note in
            guard note.unicodeScalars.count > maximumLength else { return note }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: note.unicodeScalars.prefix(maximumLength - 1))
            return String(scalars) + "…"
        }
        if notes.count > maximumCount { kept.append("… and \(notes.count - maximumCount) more.") }
        return kept
    }

    /// The JSON text of `notes`, bounded ("[]" when the read noted nothing).
    static func encode(_ notes: [String]) -> String {
        guard let data = try? JSONEncoder().encode(bounded(notes)) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The notes in `text`; none for NULL or text this build cannot read (it only reads what `encode` wrote).
    static func decode(_ text: String?) -> [String] {
        guard let text, text != "[]" else { return [] }
        return parsed.value(for: text) { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    /// Parsed texts by text: the list request decodes the same few texts again and again.
    private static let parsed = ParsedTextCache<[String]>()
}
