/// An optional response field that is always sent: its value, or JSON `null` when there is none
/// (`@OrNull var value: String?`).
///
/// A plain optional property is left out of the body when nil (Swift's synthesized `Encodable` uses
/// `encodeIfPresent`). Where "unknown" must be visible — a value nobody could price is `null`, never absent and
/// never 0 — the field is wrapped: the synthesized code then encodes the wrapper, which writes `null`.
@propertyWrapper
public struct OrNull<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Wrapped?

    public init(wrappedValue: Wrapped?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
