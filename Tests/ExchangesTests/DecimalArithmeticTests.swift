import Testing
@testable import Exchanges

/// `DecimalString`'s multiplication, division, rounding and comparison: signs, zeros, carries, long fractions,
/// half-even ties and the range limits. Expected figures are worked by hand in the argument lists.
@Suite struct DecimalArithmeticTests {
    @Test(arguments: [
        ("2", "3", "6"),
        ("1.5", "1.5", "2.25"),
        ("-1.5", "2", "-3"),                 // 3.0 canonical
        ("-0.5", "-0.4", "0.2"),
        ("0", "-123.45", "0"),               // no "-0"
        ("999", "999", "998001"),            // carries through every column
        ("0.0001", "0.0001", "0.00000001"),
        ("12.30", "10", "123"),
        ("1e-8", "3e3", "0.00003"),
        ("0.123456789012345678", "1000000000000000000", "123456789012345678"),
        ("1.000000000000000001", "1.000000000000000001", "1.000000000000000002000000000000000001"),
    ])
    func multiplyIsExact(a: String, b: String, product: String) {
        #expect(DecimalString.multiply(a, b) == product)
        #expect(DecimalString.multiply(b, a) == product)
    }

    @Test func multiplyOutOfRangeIsNil() {
        let big = String(repeating: "9", count: 40)
        #expect(DecimalString.multiply(big, big) == nil)            // 80 integer digits
        let tiny = "0." + String(repeating: "0", count: 39) + "1"   // 10^-40
        #expect(DecimalString.multiply(tiny, tiny) == nil)          // 80 fraction digits
        #expect(DecimalString.multiply(tiny, tiny, fractionDigits: 8) == "0")
        #expect(DecimalString.multiply("abc", "1") == nil)
        #expect(DecimalString.multiply("1", "NaN") == nil)
    }

    @Test(arguments: [
        ("1", "3", 4, "0.3333"),
        ("2", "3", 4, "0.6667"),
        ("2", "3", 0, "1"),
        ("-2", "3", 2, "-0.67"),
        ("2", "-3", 2, "-0.67"),
        ("-2", "-3", 2, "0.67"),
        ("10", "4", 0, "2"),        // 2.5 → 2 (tie to even)
        ("14", "4", 0, "4"),        // 3.5 → 4 (tie to even)
        ("1", "8", 2, "0.12"),      // 0.125 → 0.12
        ("27", "200", 2, "0.14"),   // 0.135 → 0.14
        ("0.5", "0.25", 3, "2"),
        ("1", "90000", 22, "0.0000111111111111111111"),
        ("123.456", "0.001", 0, "123456"),
        ("0", "7", 5, "0"),
        ("-0.001", "1", 2, "0"),    // rounds to zero: no sign
        ("1", "0.0000001", 0, "10000000"),
    ])
    func divideRoundsHalfEven(a: String, b: String, digits: Int, quotient: String) {
        #expect(DecimalString.divide(a, b, fractionDigits: digits) == quotient)
    }

    @Test func divideRefusesZeroBadInputAndRange() {
        #expect(DecimalString.divide("1", "0", fractionDigits: 2) == nil)
        #expect(DecimalString.divide("1", "-0.000", fractionDigits: 2) == nil)
        #expect(DecimalString.divide("x", "1", fractionDigits: 2) == nil)
        #expect(DecimalString.divide("1", "3", fractionDigits: -1) == nil)
        #expect(DecimalString.divide("1", "3", fractionDigits: DecimalString.maxFractionDigits + 1) == nil)
        #expect(DecimalString.divide("1", "3", fractionDigits: DecimalString.maxFractionDigits)
            == "0." + String(repeating: "3", count: DecimalString.maxFractionDigits))
        let big = "9" + String(repeating: "0", count: 60)
        #expect(DecimalString.divide(big, "0.00001", fractionDigits: 0) == nil)     // 66 integer digits
    }

    @Test(arguments: [
        ("0.125", 2, "0.12"),
        ("0.135", 2, "0.14"),
        ("-0.125", 2, "-0.12"),
        ("-0.135", 2, "-0.14"),
        ("0.1251", 2, "0.13"),     // beyond the tie: up
        ("0.12499999", 2, "0.12"),
        ("12.30", 2, "12.3"),
        ("9.995", 2, "10"),        // the carry runs into the integer part (10.00, canonical)
        ("999.5", 0, "1000"),
        ("0.004", 2, "0"),
        ("-0.004", 2, "0"),
        ("5", 0, "5"),
        ("2.5", 0, "2"),
        ("3.5", 0, "4"),
        ("0.000000015", 8, "0.00000002"),
        ("0.000000025", 8, "0.00000002"),
    ])
    func roundedIsHalfEvenAndCanonical(value: String, digits: Int, result: String) {
        #expect(DecimalString.rounded(value, fractionDigits: digits) == result)
    }

    @Test(arguments: [
        ("12.3", 2, "12.30"),
        ("1234.5", 2, "1234.50"),
        ("-0.01", 2, "-0.01"),
        ("-0.015", 2, "-0.02"),
        ("-0.005", 2, "0.00"),
        ("0", 2, "0.00"),
        ("0", 0, "0"),
        ("1234.5", 0, "1234"),
        ("0.5", 0, "0"),
        ("1.5", 0, "2"),
        ("9.999", 2, "10.00"),
        ("0.123456789", 8, "0.12345679"),
        ("1", 8, "1.00000000"),
    ])
    func fixedHasExactlyTheDigits(value: String, digits: Int, text: String) {
        #expect(DecimalString.fixed(value, fractionDigits: digits) == text)
    }

    @Test func roundingRefusesBadInput() {
        #expect(DecimalString.rounded("1.5", fractionDigits: -1) == nil)
        #expect(DecimalString.fixed("1.5", fractionDigits: 65) == nil)
        #expect(DecimalString.fixed("", fractionDigits: 2) == nil)
        #expect(DecimalString.rounded("1,5", fractionDigits: 2) == nil)
    }

    @Test(arguments: [
        ("1", "2", -1),
        ("2", "1", 1),
        ("1.50", "1.5", 0),
        ("-0", "0", 0),
        ("-1", "0.5", -1),
        ("-1", "-2", 1),
        ("0.0000001", "0", 1),
        ("100", "99.999999999", 1),
    ])
    func compareOrdersByValue(a: String, b: String, order: Int) {
        #expect(DecimalString.compare(a, b) == order)
        #expect(DecimalString.compare(b, a) == -order)
    }

    @Test func compareRefusesBadInput() {
        #expect(DecimalString.compare("1", "one") == nil)
        #expect(DecimalString.compare("", "1") == nil)
    }

    // `sum` adds in columns (positive and negative apart); `canonical` parses the text's bytes in place. Both are
    // shared with every balance path, so they are pinned here too.
    @Test(arguments: [
        (["1", "2", "3"], "6"),
        (["0.1", "0.2", "-0.3"], "0"),
        (["-1.5", "-2.25", "0.75"], "-3"),
        (["999.999", "0.001", "1000"], "2000"),
        (["0.00000001", "99999999.99999999", "-100000000"], "0"),
        (["1e-20", "2e-20", "3e-20", "-1e-20"], "0.00000000000000000005"),
        (Array(repeating: "0.001", count: 1000), "1"),
        (Array(repeating: "9.99", count: 101), "1008.99"),
        ([], "0"),
        (["-7"], "-7"),
    ])
    func sumAddsExactly(values: [String], total: String) {
        #expect(DecimalString.sum(values) == total)
    }

    @Test func sumRefusesBadInputAndRange() {
        let largest = String(repeating: "9", count: DecimalString.maxIntegerDigits)
        #expect(DecimalString.sum([largest, "1", "0"]) == nil)
        #expect(DecimalString.sum([largest, "1", "-1"]) == largest)
        #expect(DecimalString.sum(["1", "x", "2"]) == nil)
    }

    @Test(arguments: [
        ("+2", "2"), ("1.2e-8", "0.000000012"), (".5", "0.5"), ("5.", "5"), ("-0", "0"), ("0001.5000", "1.5"),
        ("1e5", "100000"), ("-0.000", "0"), ("1E+2", "100"),
    ])
    func canonicalReadsWhatExchangesSend(text: String, canonical: String) {
        #expect(DecimalString.canonical(text) == canonical)
    }

    @Test(arguments: ["1e", " 1", "1 ", "+", "-", ".", "1..2", "0x10", "NaN", "1e123456", "", "--1", "1-"])
    func canonicalRefusesTheRest(text: String) {
        #expect(DecimalString.canonical(text) == nil)
    }

    @Test func canonicalRefusesOverLongText() {
        #expect(DecimalString.canonical(String(repeating: "1", count: DecimalString.maxTextLength + 1)) == nil)
        #expect(DecimalString.canonical("0." + String(repeating: "0", count: 200) + "1") == nil)
    }
}
