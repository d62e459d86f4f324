/// Multiplication, division, rounding and comparison on the same exact representation as `add` and `subtract`.
///
/// Rounding is always half-even ("banker's rounding": a tie goes to the even neighbour, so 0.125 → 0.12 and
/// 0.135 → 0.14 at two digits), symmetric for negative values, and happens only where a function says so:
/// `multiply(_:_:)` is exact. Results keep the range checks of `canonical` (nil when out of range), and a
/// `fractionDigits` outside 0...`maxFractionDigits` is refused (nil) so every call does bounded work.
extension DecimalString {
    /// `a × b`, exact and canonical, or nil when either is not a decimal number or the product is out of range
    /// (more than `maxIntegerDigits` before or `maxFractionDigits` after the point).
    public static func multiply(_ a: String, _ b: String) -> String? {
        guard let x = DecimalValue(a), let y = DecimalValue(b) else { return nil }
        return x.multiplied(by: y).checked?.text
    }

    /// `a × b` rounded half-even at `fractionDigits` after the point, canonical; nil when either is not a decimal
    /// number, `fractionDigits` is outside 0...`maxFractionDigits`, or the product is out of range.
    public static func multiply(_ a: String, _ b: String, fractionDigits: Int) -> String? {
        guard (0...maxFractionDigits).contains(fractionDigits),
              let x = DecimalValue(a), let y = DecimalValue(b) else { return nil }
        return x.multiplied(by: y).rounded(fractionDigits: fractionDigits).checked?.text
    }

    /// `a ÷ b` rounded half-even at `fractionDigits` after the point (the quotient is computed exactly to one
    /// remainder, so the rounding sees the true value, not a truncated one), canonical. Nil when `b` is zero,
    /// either is not a decimal number, `fractionDigits` is outside 0...`maxFractionDigits`, or the result is out
    /// of range. `divide("1", "3", fractionDigits: 4)` is "0.3333"; `divide("2", "3", fractionDigits: 0)` is "1".
    public static func divide(_ a: String, _ b: String, fractionDigits: Int) -> String? {
        guard (0...maxFractionDigits).contains(fractionDigits),
              let x = DecimalValue(a), let y = DecimalValue(b), !y.isZero else { return nil }
        return x.divided(by: y, fractionDigits: fractionDigits).checked?.text
    }

    /// `a` rounded half-even at `fractionDigits` after the point, canonical (so "12.30" at two digits is "12.3",
    /// and "-0.001" is "0"). Nil when `a` is not a decimal number or `fractionDigits` is outside
    /// 0...`maxFractionDigits`. For text with exactly that many digits, use `fixed(_:fractionDigits:)`.
    public static func rounded(_ a: String, fractionDigits: Int) -> String? {
        guard (0...maxFractionDigits).contains(fractionDigits), let x = DecimalValue(a) else { return nil }
        return x.rounded(fractionDigits: fractionDigits).checked?.text
    }

    /// Display text of `a` rounded half-even at `fractionDigits`, with exactly that many digits after the point
    /// and no point when it is 0: "12.3" at 2 is "12.30", "1234.5" is "1234.50", "-0.005" is "0.00" (a value
    /// that rounds to zero has no sign), "-0.015" is "-0.02". No grouping separators. Nil when `a` is not a
    /// decimal number or `fractionDigits` is outside 0...`maxFractionDigits`.
    public static func fixed(_ a: String, fractionDigits: Int) -> String? {
        guard (0...maxFractionDigits).contains(fractionDigits), let x = DecimalValue(a) else { return nil }
        return x.rounded(fractionDigits: fractionDigits).checked?.fixedText(fractionDigits: fractionDigits)
    }

    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b` by value ("1.50" equals "1.5", "-0" equals
    /// "0"), or nil when either is not a decimal number.
    public static func compare(_ a: String, _ b: String) -> Int? {
        guard let x = DecimalValue(a), let y = DecimalValue(b) else { return nil }
        let difference = x.adding(y.negated)
        if difference.isZero { return 0 }
        return difference.negative ? -1 : 1
    }
}

extension DecimalValue {
    /// The exact product; its scale is the sum of the scales (no range check: callers apply `checked`).
    func multiplied(by other: DecimalValue) -> DecimalValue {
        var columns = [Int](repeating: 0, count: digits.count + other.digits.count)
        for (i, left) in digits.enumerated() where left != 0 {
            for (j, right) in other.digits.enumerated() {
                columns[i + j + 1] += Int(left) * Int(right)
            }
        }
        // Each column holds at most 256 × 81 before carrying, far from overflowing an Int.
        var carry = 0
        for index in columns.indices.reversed() {
            let total = columns[index] + carry
            columns[index] = total % 10
            carry = total / 10
        }
        let product = DecimalValue(
            negative: negative != other.negative, digits: columns.map { UInt8($0) }, scale: scale + other.scale)
        return product.isZero ? .zero : product
    }

    /// The exact sum of `values` (no range check: callers apply `checked`), added column by column in one pass
    /// — positive and negative magnitudes apart, one subtraction at the end — rather than one `adding` (three
    /// arrays) per value: a portfolio's subtotals add hundreds of values.
    static func sum(_ values: [DecimalValue]) -> DecimalValue {
        guard values.count > 2 else { return values.reduce(.zero) { $0.adding($1) } }
        let scale = values.map(\.scale).max() ?? 0
        let integerWidth = values.map { max(0, $0.digits.count - $0.scale) }.max() ?? 0
        // Twenty spare columns hold the carries of any number of values an array can hold.
        let width = integerWidth + scale + 20
        var positive = [Int](repeating: 0, count: width), negative = positive
        for value in values {
            let last = width - 1 - (scale - value.scale)
            for (offset, digit) in value.digits.reversed().enumerated() where digit != 0 {
                if value.negative { negative[last - offset] += Int(digit) } else { positive[last - offset] += Int(digit) }
            }
        }
        func magnitude(_ columns: [Int]) -> [UInt8] {
            var digits = [UInt8](repeating: 0, count: columns.count)
            var carry = 0
            for index in columns.indices.reversed() {
                let total = columns[index] + carry
                digits[index] = UInt8(total % 10)
                carry = total / 10
            }
            return digits
        }
        let sum = DecimalValue(negative: false, digits: magnitude(positive), scale: scale)
            .adding(DecimalValue(negative: true, digits: magnitude(negative), scale: scale))
        return sum.isZero ? .zero : sum
    }

    /// Self rounded half-even to at most `fractionDigits` digits after the point.
    func rounded(fractionDigits: Int) -> DecimalValue {
        guard scale > fractionDigits else { return self }
        let drop = scale - fractionDigits
        // Pad so at least one digit is kept: 0.004 (digits [4], scale 3) at 2 digits keeps [0, 0].
        let padded = [UInt8](repeating: 0, count: max(0, drop + 1 - digits.count)) + digits
        let kept = Array(padded.dropLast(drop))
        let dropped = padded.suffix(drop)
        let first = dropped.first ?? 0
        let beyondHalf = dropped.dropFirst().contains { $0 != 0 }
        let roundUp = first > 5 || (first == 5 && (beyondHalf || (kept.last ?? 0) % 2 == 1))
        let magnitude = roundUp ? Self.addMagnitudes(kept, [1]) : kept
        // Keep the requested scale even for zero, so `fixedText` prints "0.00"; a zero never keeps a sign.
        let zero = magnitude.allSatisfy { $0 == 0 }
        return DecimalValue(negative: negative && !zero, digits: magnitude, scale: fractionDigits)
    }

    /// Self ÷ `other` (not zero) rounded half-even at `fractionDigits`: self × 10^f ÷ other as an integer
    /// division of the magnitudes, scales moved onto whichever side keeps both integers.
    func divided(by other: DecimalValue, fractionDigits: Int) -> DecimalValue {
        let shift = other.scale - scale + fractionDigits
        let dividend = shift >= 0 ? digits + [UInt8](repeating: 0, count: shift) : digits
        let divisor = Self.trimmed(shift >= 0 ? other.digits : other.digits + [UInt8](repeating: 0, count: -shift))
        let division = Self.divideMagnitudes(dividend, by: divisor)
        var quotient = division.quotient
        // Round on the remainder: above half a divisor goes up, exactly half goes to the even quotient.
        let twiceRemainder = Self.addMagnitudes(division.remainder, division.remainder)
        let half = Self.compareMagnitudes(twiceRemainder, divisor)
        if half > 0 || (half == 0 && (quotient.last ?? 0) % 2 == 1) {
            quotient = Self.addMagnitudes(quotient, [1])
        }
        let result = DecimalValue(negative: negative != other.negative, digits: quotient, scale: fractionDigits)
        return result.isZero ? .zero : result
    }

    /// Long division of magnitudes, one dividend digit at a time: the quotient (same length as `dividend`,
    /// leading zeros included) and the remainder (with leading zeros). `divisor` must not be zero. The remainder
    /// lives in one window of divisor-length + 1 digits, shifted and subtracted in place: no array per step.
    static func divideMagnitudes(_ dividend: [UInt8], by divisor: [UInt8]) -> (quotient: [UInt8], remainder: [UInt8]) {
        let divisor = trimmed(divisor)
        let width = divisor.count
        var window = [UInt8](repeating: 0, count: width + 1)
        var quotient = [UInt8](repeating: 0, count: max(1, dividend.count))
        for (position, digit) in dividend.enumerated() {
            // window = window × 10 + digit; it was below the divisor, so it now fits width + 1 digits.
            for index in 0..<width { window[index] = window[index + 1] }
            window[width] = digit
            var count: UInt8 = 0
            // At most nine subtractions: the window is below ten divisors.
            while window[0] != 0 || !window[1...].lexicographicallyPrecedes(divisor) {
                var borrow: UInt8 = 0
                for index in stride(from: width - 1, through: 0, by: -1) {
                    let subtrahend = divisor[index] + borrow
                    if window[index + 1] >= subtrahend {
                        window[index + 1] -= subtrahend
                        borrow = 0
                    } else {
                        window[index + 1] = window[index + 1] + 10 - subtrahend
                        borrow = 1
                    }
                }
                window[0] -= borrow
                count += 1
            }
            quotient[position] = count
        }
        return (quotient, window)
    }

    /// Text with exactly `fractionDigits` (at least `scale`) digits after the point, none when it is 0, and no
    /// sign on zero.
    func fixedText(fractionDigits: Int) -> String {
        let scale = max(self.scale, fractionDigits)
        let widened = digits + [UInt8](repeating: 0, count: scale - self.scale)
        let padded = [UInt8](repeating: 0, count: max(0, scale + 1 - widened.count)) + widened
        let integer = Self.trimmed(Array(padded.dropLast(scale)))
        let fraction = padded.suffix(scale)
        var result = negative && !isZero ? "-" : ""
        result += String(decoding: integer.map { $0 + 48 }, as: UTF8.self)
        if scale > 0 { result += "." + String(decoding: fraction.map { $0 + 48 }, as: UTF8.self) }
        return result
    }
}
