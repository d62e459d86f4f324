import Foundation

/// A parsed JSON request body with field accessors that collect every problem before failing.
///
/// Handlers read each field through `string`, `bool`, `int` and friends; each problem is noted under the
/// field's name, and `validate()` throws one `validation_failed` error listing them all, so a client sees
/// every bad field at once.
public struct JSONBody {
    private let object: [String: Any]
    /// Problems noted so far, by field name.
    public private(set) var problems: [String: String] = [:]

    /// Parses `request`'s body as a JSON object, enforcing the JSON content type.
    public init(_ request: Request) throws {
        let contentType = request.header("content-type")?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else { throw APIError.unsupportedMediaType }
        guard String(validating: request.body, as: UTF8.self) != nil else {
            throw APIError.badRequest("The request body is not valid UTF-8.")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(request.body), options: [])
        } catch {
            throw APIError.badRequest("The request body is not valid JSON.")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError.badRequest("The request body must be a JSON object.")
        }
        self.object = object
    }

    /// Whether the body has `name` at all (even as null).
    public func has(_ name: String) -> Bool { object[name] != nil }

    /// A string field. Required fields note "is required" when absent or empty; `maxLength` counts characters.
    ///
    /// Text must pass `TextSafety` (no control, invisible or text-direction characters). A `secret` — a
    /// password or passphrase the person chose — is never displayed and must reach its use byte for byte,
    /// so it is held only to the control-character rule.
    public mutating func string(
        _ name: String, required: Bool = true, maxLength: Int = 1024, allowNewlines: Bool = false, secret: Bool = false
    ) -> String? {
        guard let raw = object[name], !(raw is NSNull) else {
            if required { problems[name] = "is required" }
            return nil
        }
        guard let value = raw as? String else {
            problems[name] = "must be a string"
            return nil
        }
        if required && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems[name] = "must not be empty"
            return nil
        }
        if value.count > maxLength {
            problems[name] = "must be at most \(maxLength) characters"
            return nil
        }
        let problem = secret
            ? TextSafety.controlCharacterProblem(in: value, allowNewlines: allowNewlines)
            : TextSafety.problem(in: value, allowNewlines: allowNewlines)
        if let problem {
            problems[name] = problem
            return nil
        }
        return value
    }

    /// An optional boolean field.
    public mutating func bool(_ name: String) -> Bool? {
        guard let raw = object[name], !(raw is NSNull) else { return nil }
        // JSONSerialization gives NSNumber for both booleans and numbers; only a real boolean counts.
        if let number = raw as? NSNumber, Self.isBoolean(number) { return number.boolValue }
        problems[name] = "must be true or false"
        return nil
    }

    /// An optional integer field within `range`.
    public mutating func int(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let raw = object[name], !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber, !Self.isBoolean(number),
              let value = Int(exactly: number.doubleValue), Double(value) == number.doubleValue else {
            problems[name] = "must be a whole number"
            return nil
        }
        guard range.contains(value) else {
            problems[name] = "must be between \(range.lowerBound) and \(range.upperBound)"
            return nil
        }
        return value
    }

    /// JSON booleans arrive as NSNumber whose Objective-C type is `c` (char); numbers never use that type.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// Notes every field not in `allowed`: a misspelt field is a mistake the client should hear about, not
    /// something silently ignored.
    public mutating func rejectUnknownFields(allowing allowed: Set<String>) {
        for name in object.keys where !allowed.contains(name) { problems[name] = "is not a known field" }
    }

    /// Notes a problem found by the handler's own rules.
    public mutating func note(_ name: String, _ problem: String) { problems[name] = problem }

    /// Throws `validation_failed` listing every problem noted, if any.
    public func validate() throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }
}
