import Exchanges
import Foundation

/// The stored form of a connection's unread wallets (`exchange_connections.unread_wallets`):
/// a JSON array `[{"wallet","reason","message"}]`.
enum UnreadWalletsJSON {
    /// The JSON text of `wallets` ("[]" when every wallet was read).
    static func encode(_ wallets: [UnreadWallet]) -> String {
        guard let data = try? JSONEncoder().encode(wallets) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The wallets in `text`; none for NULL, and none for text this build cannot read (it only ever reads
    /// what `encode` wrote, so that would be a bug, not a reason to fail a listing).
    static func decode(_ text: String?) -> [UnreadWallet] {
        // Almost every connection reads every wallet: skip building a decoder for them on each list request.
        guard let text, text != "[]" else { return [] }
        return parsed.value(for: text) { try? JSONDecoder().decode([UnreadWallet].self, from: Data($0.utf8)) } ?? []
    }

    /// Parsed texts by text: the list request decodes the same few texts again and again.
    private static let parsed = ParsedTextCache<[UnreadWallet]>()
}
