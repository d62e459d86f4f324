/// How far a value can be trusted (issue 13 "Prices"), ordered from best to worst so the worst of several is
/// their maximum: an asset held on two connections is `unpriced` if either row is, else `stale` if either is.
public enum PriceStatus: String, Sendable, Codable, Comparable, CaseIterable {
    /// Valued through a path whose oldest leg is not older than the stale limit.
    case priced
    /// Valued, but the oldest leg of the path is older than the stale limit: the value is given with its `asOf`.
    case stale
    /// No value: no conversion path, or a quantity that is not a decimal ≥ 0. The value is nil, never 0.
    case unpriced

    private var severity: Int {
        switch self {
        case .priced: 0
        case .stale: 1
        case .unpriced: 2
        }
    }

    public static func < (lhs: PriceStatus, rhs: PriceStatus) -> Bool { lhs.severity < rhs.severity }
}
