import Exchanges

extension PortfolioStatement {
    /// `a × b`, exact and canonical, or nil when either is not a decimal number or the product is out of
    /// `DecimalString`'s range.
    ///
    /// A stand-in: `DecimalString.multiply` is being written by the valuation slice at the same time; once it is
    /// merged, callers use it and this goes. Schoolbook multiplication of the digit strings (an amount has at
    /// most 128 digits, so at most 16,384 digit products).
    static func multiply(_ a: String, _ b: String) -> String? {
        guard let x = DecimalString.canonical(a).flatMap(Digits.init),
              let y = DecimalString.canonical(b).flatMap(Digits.init) else { return nil }
        var product = [Int](repeating: 0, count: x.digits.count + y.digits.count)
        // Least significant digit first.
        for (i, p) in x.digits.reversed().enumerated() {
            for (j, q) in y.digits.reversed().enumerated() {
                product[i + j] += p * q
            }
        }
        for index in product.indices.dropLast() {
            product[index + 1] += product[index] / 10
            product[index] %= 10
        }
        var text = product.reversed().map { String($0) }.joined()
        let scale = x.scale + y.scale
        if scale > 0 {
            text = String(repeating: "0", count: max(0, scale + 1 - text.count)) + text
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        return DecimalString.canonical((x.negative != y.negative ? "-" : "") + text)
    }

    /// A canonical decimal as sign, digits (most significant first, no point) and scale (digits after the point).
    private struct Digits {
        let negative: Bool
        let digits: [Int]
        let scale: Int

        init?(_ canonical: String) {
            negative = canonical.hasPrefix("-")
            let unsigned = negative ? canonical.dropFirst() : Substring(canonical)
            let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            scale = parts.count == 2 ? parts[1].count : 0
            let all = parts.joined()
            let values = all.compactMap { $0.wholeNumberValue }
            guard values.count == all.count, !values.isEmpty else { return nil }
            digits = values
        }
    }
}
