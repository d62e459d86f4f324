/// Exact arithmetic on decimal amounts kept as strings, so balances never pass through `Double`.
///
/// Accepts what exchanges send ("0.5", "-1", "+2", "1.2e-8", ".5", "5.") and prints a canonical form: no
/// exponent, no leading or trailing zeros, "0" for zero (also for "-0"). Anything else is nil: whitespace,
/// "NaN", "Infinity", hex ("0x10"), a dangling exponent ("1e"), and values outside the range a balance can have
/// (see `maxIntegerDigits`, `maxFractionDigits`, `maxTextLength`) — so hostile input is rejected in bounded
/// time and memory, and every canonical text this type prints can be read back by it.
public enum DecimalString {
    /// Longest accepted input text, in bytes (a 10^6-digit "amount" is refused before it is scanned).
    public static let maxTextLength = 256
    /// Most digits before the point of an accepted value, after trimming leading zeros.
    public static let maxIntegerDigits = 64
    /// Most digits after the point of an accepted value, after trimming trailing zeros (wei needs 18).
    public static let maxFractionDigits = 64

    /// The canonical text of `text`, or nil when it is not a decimal number in range.
    public static func canonical(_ text: String) -> String? {
        DecimalValue(text).map { $0.text }
    }

    /// `a + b`, canonical, or nil when either is not a decimal number or the result is out of range.
    public static func add(_ a: String, _ b: String) -> String? {
        guard let x = DecimalValue(a), let y = DecimalValue(b) else { return nil }
        return x.adding(y).checked?.text
    }

    /// `a − b`, canonical, or nil when either is not a decimal number or the result is out of range.
    public static func subtract(_ a: String, _ b: String) -> String? {
        guard let x = DecimalValue(a), let y = DecimalValue(b) else { return nil }
        return x.adding(y.negated).checked?.text
    }

    /// The sum of `values` ("0" when empty), or nil when any is not a decimal number or the sum is out of range.
    public static func sum<S: Sequence>(_ values: S) -> String? where S.Element == String {
        var parsed: [DecimalValue] = []
        for value in values {
            guard let value = DecimalValue(value) else { return nil }
            parsed.append(value)
        }
        return DecimalValue.sum(parsed).checked?.text
    }

    /// True when `text` is a decimal number equal to zero.
    public static func isZero(_ text: String) -> Bool { DecimalValue(text)?.isZero ?? false }
}

/// Sign, magnitude digits (most significant first) and scale: value = ±digits × 10^−scale. Internal, not private,
/// so `DecimalString+Arithmetic.swift` works on the same representation.
struct DecimalValue {
    var negative: Bool
    var digits: [UInt8]
    var scale: Int

    static let zero = DecimalValue(negative: false, digits: [0], scale: 0)

    init(negative: Bool, digits: [UInt8], scale: Int) {
        self.negative = negative
        self.digits = digits
        self.scale = scale
    }

    init?(_ text: String) {
        // Refuse an over-long text before touching its bytes (`utf8.count` is constant time for native strings).
        guard text.utf8.count <= DecimalString.maxTextLength else { return nil }
        var text = text
        guard let value = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = value
    }

    /// The value of the UTF-8 `all`, or nil (see `DecimalString`); read in place, not copied.
    private static func parse(_ all: UnsafeBufferPointer<UInt8>) -> DecimalValue? {
        guard !all.isEmpty, all.count <= DecimalString.maxTextLength else { return nil }
        // Indices into the text's own bytes, no copies: this runs for every amount and price the server reads.
        var index = 0
        var negative = false
        if let sign = all.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            index = 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(all.count)
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        while index < all.count {
            let byte = all[index]
            if byte >= 48 && byte <= 57 {
                digits.append(byte - 48)
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let value = Self.exponent(Array(all[(index + 1)...])[...]) else { return nil }
                exponent = value
                break
            } else {
                return nil
            }
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        if digits.allSatisfy({ $0 == 0 }) { return .zero }
        // Trim before checking the range, so "0001.5000" and "1.5" are the same value. Every count here is
        // bounded by the text length and the exponent's five digits, so nothing below can overflow.
        if let first = digits.firstIndex(where: { $0 != 0 }), first > 0 { digits.removeFirst(first) }
        var scale = fractionDigits - exponent
        while scale > 0, digits.last == 0 { digits.removeLast(); scale -= 1 }
        guard scale <= DecimalString.maxFractionDigits,
              digits.count - scale <= DecimalString.maxIntegerDigits else { return nil }
        if scale < 0 {
            digits += [UInt8](repeating: 0, count: -scale)
            scale = 0
        }
        return DecimalValue(negative: negative, digits: digits, scale: scale)
    }

    /// The exponent after "e": an optional sign and one to five digits, nothing else.
    private static func exponent(_ bytes: ArraySlice<UInt8>) -> Int? {
        var rest = bytes
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 5, rest.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let magnitude = rest.reduce(0) { $0 * 10 + Int($1 - 48) }
        return negative ? -magnitude : magnitude
    }

    /// Self when inside the accepted range (so its text reads back), nil otherwise: sums can outgrow it.
    var checked: DecimalValue? {
        // Count fraction digits from the scale, not from `digits`: a product such as 1e-40 × 1e-40 has one digit
        // and a scale of 80, and is out of range.
        let trailingZeros = min(scale, digits.reversed().prefix { $0 == 0 }.count)
        let fraction = isZero ? 0 : scale - trailingZeros
        let integer = digits.dropLast(min(scale, digits.count)).drop { $0 == 0 }.count
        guard fraction <= DecimalString.maxFractionDigits, integer <= DecimalString.maxIntegerDigits else {
            return nil
        }
        return self
    }

    var isZero: Bool { digits.allSatisfy { $0 == 0 } }

    var negated: DecimalValue { DecimalValue(negative: !negative, digits: digits, scale: scale) }

    func adding(_ other: DecimalValue) -> DecimalValue {
        let scale = max(self.scale, other.scale)
        let a = digits + [UInt8](repeating: 0, count: scale - self.scale)
        let b = other.digits + [UInt8](repeating: 0, count: scale - other.scale)
        if negative == other.negative {
            return DecimalValue(negative: negative, digits: Self.addMagnitudes(a, b), scale: scale)
        }
        if Self.compareMagnitudes(a, b) >= 0 {
            return DecimalValue(negative: negative, digits: Self.subtractMagnitudes(a, b), scale: scale)
        }
        return DecimalValue(negative: other.negative, digits: Self.subtractMagnitudes(b, a), scale: scale)
    }

    /// Canonical text: no exponent, trimmed zeros, "0" for any zero.
    var text: String {
        // One byte buffer and one String: every result of every operation is printed through here.
        let count = digits.count
        let integerCount = max(0, count - scale)
        var firstInteger = 0
        while firstInteger < integerCount - 1, digits[firstInteger] == 0 { firstInteger += 1 }
        var fractionEnd = count
        while fractionEnd > integerCount, digits[fractionEnd - 1] == 0 { fractionEnd -= 1 }
        let hasFraction = fractionEnd > integerCount
        let integerIsZero = integerCount == 0 || (integerCount - firstInteger == 1 && digits[firstInteger] == 0)
        if integerIsZero && !hasFraction { return "0" }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + max(0, scale - count) + 3)
        if negative { bytes.append(UInt8(ascii: "-")) }
        if integerCount == 0 {
            bytes.append(UInt8(ascii: "0"))
        } else {
            for index in firstInteger..<integerCount { bytes.append(digits[index] + 48) }
        }
        if hasFraction {
            bytes.append(UInt8(ascii: "."))
            for _ in 0..<max(0, scale - count) { bytes.append(UInt8(ascii: "0")) }
            for index in integerCount..<fractionEnd { bytes.append(digits[index] + 48) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func trimmed(_ digits: [UInt8]) -> [UInt8] {
        let first = digits.firstIndex { $0 != 0 } ?? digits.count - 1
        return Array(digits[max(0, min(first, digits.count - 1))...])
    }

    static func compareMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        // Skip leading zeros by index, not by copying: divisions compare magnitudes once per quotient digit.
        let i = a.firstIndex { $0 != 0 } ?? a.count, j = b.firstIndex { $0 != 0 } ?? b.count
        let length = a.count - i
        if length != b.count - j { return length < b.count - j ? -1 : 1 }
        for k in 0..<length where a[i + k] != b[j + k] { return a[i + k] < b[j + k] ? -1 : 1 }
        return 0
    }

    static func addMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var carry: UInt8 = 0
        var i = a.count - 1, j = b.count - 1
        while i >= 0 || j >= 0 || carry > 0 {
            let sum = (i >= 0 ? a[i] : 0) + (j >= 0 ? b[j] : 0) + carry
            result.append(sum % 10)
            carry = sum / 10
            i -= 1; j -= 1
        }
        return result.reversed()
    }

    /// `a − b` for magnitudes with a ≥ b.
    static func subtractMagnitudes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var borrow = 0
        var i = a.count - 1, j = b.count - 1
        while i >= 0 {
            var difference = Int(a[i]) - (j >= 0 ? Int(b[j]) : 0) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 10 }
            result.append(UInt8(difference))
            i -= 1; j -= 1
        }
        return result.reversed()
    }
}
