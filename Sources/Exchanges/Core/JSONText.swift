import Foundation

/// Minimal JSON writer with a fixed member order, so bytes are reproducible: Coinbase tokens (`CoinbaseJWT`) and
/// `holdfast exchange balances` output, whose member order people and scripts read.
public enum JSONText {
    /// A JSON scalar.
    public enum Value {
        case string(String)
        case integer(Int64)
        /// JSON text already rendered (a nested array or object).
        case raw(String)
    }

    /// `{"k":v,…}` in the given order.
    public static func object(_ members: [(String, Value)]) -> String {
        "{" + members.map { key, value in
            let text: String
            switch value {
            case .string(let string): text = quoted(string)
            case .integer(let number): text = String(number)
            case .raw(let json): text = json
            }
            return quoted(key) + ":" + text
        }.joined(separator: ",") + "}"
    }

    /// A JSON string literal with the mandatory escapes.
    public static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
