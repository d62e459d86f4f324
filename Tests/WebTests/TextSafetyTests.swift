import Testing
@testable import Web

/// What user text may contain: visible text yes, text-direction and invisible formatting characters no.
struct TextSafetyTests {
    static let invisible = "must not contain invisible or text-direction formatting characters"

    /// Each of these changes how the text around it looks, or cannot be seen at all.
    @Test(arguments: [
        "\u{202E}gpj.exe", "a\u{202A}b", "a\u{202B}b", "a\u{202C}b", "a\u{202D}b", "a\u{200E}b", "a\u{200F}b",
        "a\u{2066}b", "a\u{2067}b", "a\u{2068}b", "a\u{2069}b", "a\u{061C}b",
        "a\u{200B}b", "\u{FEFF}Main", "Bin\u{00AD}ance", "a\u{2060}b", "a\u{2062}b", "a\u{180E}b", "a\u{E0041}b",
        "a\u{E0080}b", "a\u{2065}b",
        "\u{3164}", "a\u{FFA0}b",
        // Joiners where they join nothing: at an end, beside a space or ASCII punctuation.
        "\u{200D}", "Main\u{200D}", "\u{200C}Main", "a \u{200D}b", "a\u{200D}.", "1\u{200D}2",
    ])
    func invisibleAndDirectionCharactersAreRefused(text: String) {
        #expect(TextSafety.problem(in: text) == Self.invisible)
    }

    @Test func separatorsPrivateUseAndControlsAreRefused() {
        #expect(TextSafety.problem(in: "a\u{2028}b") == "must not contain line or paragraph separators")
        #expect(TextSafety.problem(in: "a\u{2029}b") == "must not contain line or paragraph separators")
        #expect(TextSafety.problem(in: "\u{E000}") == "must not contain private-use characters")
        #expect(TextSafety.problem(in: "\u{F0000}") == "must not contain private-use characters")
        #expect(TextSafety.problem(in: "tab\there") == "must not contain control characters")
        #expect(TextSafety.problem(in: "a\nb") == "must not contain control characters")
        #expect(TextSafety.problem(in: "a\r\nb", allowNewlines: true) == nil)
        #expect(TextSafety.problem(in: "a\u{2028}b", allowNewlines: true) != nil)
    }

    /// Ordinary text in any script, emoji sequences (which need ZWJ and U+FE0F) and words that need a joiner.
    @Test(arguments: [
        "Main account", "Binance — savings", "Ελληνικά", "日本語の口座", "עברית", "العربية", "Café", "e\u{0301}",
        "👩‍💻", "👨‍👩‍👧‍👦", "👩🏽‍💻", "❤️", "🏳️‍🌈", "می‌خواهم", "क्‍ष", "1️⃣", "",
    ])
    func visibleTextIsAllowed(text: String) {
        #expect(TextSafety.problem(in: text) == nil)
    }

    /// A secret the person chose is held only to the control-character rule.
    @Test func secretsAreOnlyCheckedForControls() {
        #expect(TextSafety.controlCharacterProblem(in: "pass\u{202E}word\u{200B}") == nil)
        #expect(TextSafety.controlCharacterProblem(in: "pass\u{0007}") == "must not contain control characters")
    }
}
