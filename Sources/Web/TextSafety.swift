/// The one rule for text a person types and someone later reads back (labels, emails, names, keys): no
/// character that changes how the *rest* of the text looks, or that cannot be seen at all.
///
/// Refused, by Unicode general category and property:
/// - control characters (Cc), except CR and LF where the field allows newlines;
/// - line and paragraph separators (Zl, Zp: U+2028, U+2029), which break a line where no newline shows;
/// - format characters (Cf): the bidirectional controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069), which
///   can make `txt.exe` display as `exe.txt`, and invisible ones such as U+200B, U+2060, U+FEFF, U+00AD and
///   the tag characters (U+E0000 block) that hide text from a reader but not from a program;
/// - other default-ignorable code points that are not combining marks (the Hangul fillers U+115F, U+1160,
///   U+3164, U+FFA0, which render as blank letters);
/// - private-use characters (Co), whose glyph depends on the reader's fonts, so two people see different text.
///
/// Allowed on purpose: combining marks, including the variation selectors (emoji presentation U+FE0F) and
/// U+034F, since they only decorate the character before them; and the joiners U+200C ZWNJ and U+200D ZWJ
/// *between* two letters, marks or emoji, because emoji sequences (👩‍💻) and Persian and Indic scripts need
/// them there. A joiner at an end or beside a space or punctuation does nothing visible and is refused.
/// Unassigned code points are allowed, so an emoji newer than this build's Unicode tables still works, except
/// those Unicode reserves as default-ignorable (e.g. the rest of the tag block), which will never be visible.
public enum TextSafety {
    /// Why `text` is not safe to store and show, phrased to follow a field name ("must not contain …"),
    /// or nil when it is.
    public static func problem(in text: String, allowNewlines: Bool = false) -> String? {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.properties.generalCategory {
            case .control:
                if allowNewlines && isNewline(scalar) { continue }
                return controlProblem
            case .lineSeparator, .paragraphSeparator:
                return "must not contain line or paragraph separators"
            case .privateUse:
                return "must not contain private-use characters"
            case .format:
                if isJoiner(scalar), index > 0, index + 1 < scalars.count,
                   isJoinable(scalars[index - 1]), isJoinable(scalars[index + 1]) { continue }
                return invisibleProblem
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                if scalar.properties.isDefaultIgnorableCodePoint { return invisibleProblem }
            }
        }
        return nil
    }

    /// The weaker rule for secrets a person chose (passwords, passphrases): only control characters are
    /// refused, since a secret is never shown and must be kept exactly as typed.
    public static func controlCharacterProblem(in text: String, allowNewlines: Bool = false) -> String? {
        let refused = text.unicodeScalars.contains {
            $0.properties.generalCategory == .control && !(allowNewlines && isNewline($0))
        }
        return refused ? controlProblem : nil
    }

    private static let controlProblem = "must not contain control characters"
    private static let invisibleProblem = "must not contain invisible or text-direction formatting characters"

    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }

    /// U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER.
    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x200C || scalar.value == 0x200D
    }

    /// What a joiner may stand between: a letter, a mark, or an emoji (skin-tone modifiers included). ASCII
    /// digits, `#` and `*` have the Emoji property only for keycaps, so ASCII does not count.
    private static func isJoinable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return !scalar.properties.isDefaultIgnorableCodePoint  // not the blank Hangul fillers
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return scalar.value > 0x7F && scalar.properties.isEmoji
        }
    }
}
