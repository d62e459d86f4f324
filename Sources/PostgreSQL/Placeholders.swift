/// Rewrites SQLite-style parameters (`?` and `?NNN`) into PostgreSQL's `$n`, so one SQL text runs on both.
///
/// Numbering follows SQLite: `?NNN` is parameter NNN; a bare `?` is one more than the largest number assigned so
/// far (so `?, ?` is `$1, $2`, and `?2, ?` is `$2, $3`). A `?` inside a string literal (`'…'`, `E'…'` with
/// backslash escapes, `$tag$…$tag$`), a quoted identifier (`"…"`) or a comment (`-- …`, nested `/* … */`) is
/// text, not a parameter, and is left alone; so is everything else, byte for byte.
enum Placeholders {
    /// The rewritten SQL and how many parameters it takes (the largest number used, 0 when none).
    struct Rewritten: Equatable {
        let sql: String
        let parameterCount: Int
    }

    /// Rewrites `sql`; never fails: an unterminated literal or comment runs to the end of the text, and the
    /// server reports the syntax error with its own message.
    static func rewrite(_ sql: String) -> Rewritten {
        let input = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 8)
        var largest = 0
        var index = 0

        /// Copies input up to and including the first `terminator` byte found at or after `from` that is not
        /// escaped by doubling it (`''`, `""`) or, when `backslashEscapes`, by a backslash.
        func copyQuoted(from start: Int, until terminator: UInt8, backslashEscapes: Bool) -> Int {
            var i = start
            while i < input.count {
                let byte = input[i]
                if backslashEscapes && byte == UInt8(ascii: "\\") && i + 1 < input.count {
                    i += 2
                    continue
                }
                if byte == terminator {
                    if i + 1 < input.count && input[i + 1] == terminator { i += 2; continue }
                    return i + 1
                }
                i += 1
            }
            return input.count
        }

        while index < input.count {
            let byte = input[index]
            let next: UInt8? = index + 1 < input.count ? input[index + 1] : nil
            var end = index + 1
            switch byte {
            case UInt8(ascii: "'"):
                // E'…' (escape string) honours backslashes; a plain '…' does not (standard_conforming_strings).
                let escape = index > 0 && (input[index - 1] | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !isIdentifierByte(input[index - 2]))
                end = copyQuoted(from: index + 1, until: byte, backslashEscapes: escape)
            case UInt8(ascii: "\""):
                end = copyQuoted(from: index + 1, until: byte, backslashEscapes: false)
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                end = index + 2
                while end < input.count && input[end] != UInt8(ascii: "\n") { end += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                end = blockCommentEnd(input, from: index)
            case UInt8(ascii: "$"):
                end = dollarQuoteEnd(input, from: index) ?? index + 1
            case UInt8(ascii: "?"):
                var digitsEnd = index + 1
                while digitsEnd < input.count && isDigit(input[digitsEnd]) { digitsEnd += 1 }
                let number: Int
                if digitsEnd > index + 1, let explicit = Int(String(decoding: input[(index + 1)..<digitsEnd],
                                                                    as: UTF8.self)) {
                    number = explicit
                } else {
                    number = largest + 1
                }
                largest = max(largest, number)
                output.append(contentsOf: Array("$\(number)".utf8))
                index = digitsEnd
                continue
            default:
                break
            }
            output.append(contentsOf: input[index..<end])
            index = end
        }
        return Rewritten(sql: String(decoding: output, as: UTF8.self), parameterCount: largest)
    }

    /// The index just past the block comment starting at `start` (`/*`); PostgreSQL block comments nest.
    private static func blockCommentEnd(_ input: [UInt8], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i + 1 < input.count {
            if input[i] == UInt8(ascii: "/") && input[i + 1] == UInt8(ascii: "*") {
                depth += 1
                i += 2
            } else if input[i] == UInt8(ascii: "*") && input[i + 1] == UInt8(ascii: "/") {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                i += 1
            }
        }
        return input.count
    }

    /// When a dollar quote (`$$` or `$tag$`) opens at `start`, the index just past its closing tag; nil when
    /// the `$` opens no quote (`$1`, or a `$` inside an identifier such as `a$b`).
    private static func dollarQuoteEnd(_ input: [UInt8], from start: Int) -> Int? {
        if start > 0 && isIdentifierByte(input[start - 1]) { return nil }
        var tagEnd = start + 1
        while tagEnd < input.count && input[tagEnd] != UInt8(ascii: "$") {
            let byte = input[tagEnd]
            // A tag is an identifier: letters, digits (not first), underscores.
            guard isIdentifierByte(byte), !(tagEnd == start + 1 && isDigit(byte)) else { return nil }
            tagEnd += 1
        }
        guard tagEnd < input.count else { return nil }
        let tag = Array(input[start...tagEnd])
        var i = tagEnd + 1
        while i + tag.count <= input.count {
            if input[i] == UInt8(ascii: "$") && Array(input[i..<(i + tag.count)]) == tag { return i + tag.count }
            i += 1
        }
        return input.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
            || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }
}
