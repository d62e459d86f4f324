import Testing
@testable import PostgreSQL

/// The `?` → `$n` rewriter on input where a naive replace goes wrong.
struct PlaceholderTests {
    func rewrite(_ sql: String) -> (String, Int) {
        let result = Placeholders.rewrite(sql)
        return (result.sql, result.parameterCount)
    }

    @Test func bareMarksAreNumberedInOrder() {
        #expect(rewrite("SELECT * FROM t WHERE a = ? AND b = ? LIMIT ?") == ("SELECT * FROM t WHERE a = $1 AND b = $2 LIMIT $3", 3))
        #expect(rewrite("SELECT 1") == ("SELECT 1", 0))
    }

    @Test func numberedMarksKeepTheirNumberAndMayRepeat() {
        #expect(rewrite("UPDATE t SET a = ?1, b = ?2 WHERE a <> ?1") == ("UPDATE t SET a = $1, b = $2 WHERE a <> $1", 2))
        #expect(rewrite("VALUES (?10)") == ("VALUES ($10)", 10))
    }

    @Test func bareMarkAfterNumberedOneFollowsTheLargestAsSQLiteDoes() {
        #expect(rewrite("VALUES (?2, ?, ?1, ?)") == ("VALUES ($2, $3, $1, $4)", 4))
    }

    @Test func marksInsideLiteralsIdentifiersAndCommentsAreText() {
        #expect(rewrite("SELECT '?', 'it''s ?', ? FROM t") == ("SELECT '?', 'it''s ?', $1 FROM t", 1))
        #expect(rewrite(#"SELECT "odd?""name", ? FROM "t?""#) == (#"SELECT "odd?""name", $1 FROM "t?""#, 1))
        #expect(rewrite("SELECT ? -- why? because\n, ?") == ("SELECT $1 -- why? because\n, $2", 2))
        #expect(rewrite("SELECT /* a ? /* nested ? */ still ? */ ?") == ("SELECT /* a ? /* nested ? */ still ? */ $1", 1))
        #expect(rewrite("SELECT $$ ? $$, $tag$ '?' $$ ? $tag$, ?") == ("SELECT $$ ? $$, $tag$ '?' $$ ? $tag$, $1", 1))
    }

    @Test func escapeStringsHonourBackslashes() {
        // In E'…' a \' does not end the string; in a plain string a backslash is just a character.
        #expect(rewrite(#"SELECT E'a\'?', ?"#) == (#"SELECT E'a\'?', $1"#, 1))
        #expect(rewrite(#"SELECT 'a\', ?"#) == (#"SELECT 'a\', $1"#, 1))
        #expect(rewrite(#"SELECT some'x', ?"#).1 == 1)
    }

    @Test func dollarSignsThatOpenNoQuoteAreLeftAlone() {
        #expect(rewrite("SELECT a$b, x$1, ?") == ("SELECT a$b, x$1, $1", 1))
        #expect(rewrite("SELECT 5$, ?") == ("SELECT 5$, $1", 1))
    }

    @Test func unterminatedLiteralRunsToTheEnd() {
        #expect(rewrite("SELECT '? ?") == ("SELECT '? ?", 0))
        #expect(rewrite("SELECT /* ?") == ("SELECT /* ?", 0))
    }

    @Test func nonASCIITextSurvives() {
        #expect(rewrite("SELECT 'žluťoučký ?', ? AS \"名前\"") == ("SELECT 'žluťoučký ?', $1 AS \"名前\"", 1))
    }
}
