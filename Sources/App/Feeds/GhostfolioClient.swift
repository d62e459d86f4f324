import Foundation

/// Ghostfolio's API as Holdfast uses it, over `OutboundHTTP` (the outbound policy, no redirects, 10 s, bounded
/// answers). Followed from ghostfolio/ghostfolio (files cited at each call; read at the 2.x line, `@ghostfolio/
/// common/dtos`):
/// - `POST /api/v1/auth/anonymous` `{accessToken}` → `{authToken}` (apps/api/src/app/auth/auth.controller.ts,
///   `accessTokenLogin`): the security token exchanged for a JWT; a refused token is 403.
/// - `POST /api/v1/import` with `Authorization: Bearer <JWT>` (apps/api/src/app/import/import.controller.ts):
///   the body of `GhostfolioImportDocument`; 400 with `{message: [...]}` when validation fails.
/// - `PUT /api/v1/account/:id` (apps/api/src/app/account/account.controller.ts `update`): sets the cash balance.
struct GhostfolioClient: Sendable {
    let http: OutboundHTTP
    /// The Ghostfolio base URL, without a trailing slash ("https://ghostfol.io", "http://nas:3333/ghostfolio").
    let base: String

    /// The base URL to store for `url`: scheme, host, port and path without a trailing slash, query and
    /// fragment dropped.
    static func baseURL(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false) ?? URLComponents()
        components.query = nil
        components.fragment = nil
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        components.path = path
        return components.string ?? url.absoluteString
    }

    private func url(_ path: String) throws -> URL {
        guard let url = URL(string: base + path) else { throw OutboundError("invalid_url", "The Ghostfolio URL is not valid.") }
        return url
    }

    /// The JWT for `securityToken`. A refused token is `target_http_403`, reworded; the token never appears in an
    /// error (it is removed from any answer excerpt).
    func authenticate(securityToken: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["accessToken": securityToken])
        let response: OutboundResponse
        do {
            response = try await http.send(method: "POST", url: try url("/api/v1/auth/anonymous"),
                                           headers: ["Content-Type": "application/json"], body: body)
        } catch let error as OutboundError {
            if error.code == "target_http_403" || error.code == "target_http_401" {
                throw OutboundError("ghostfolio_token_refused",
                                    "Ghostfolio refused the security token (\(error.code.dropFirst("target_http_".count))).")
            }
            throw OutboundError(error.code, error.message.replacingOccurrences(of: securityToken, with: "…"))
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let token = object["authToken"] as? String, !token.isEmpty else {
            throw OutboundError("target_bad_response", "Ghostfolio's sign-in answer has no authToken.")
        }
        return token
    }

    /// Sends an import body (`GhostfolioImportDocument.body`).
    func importActivities(_ body: [UInt8], jwt: String) async throws {
        _ = try await http.send(method: "POST", url: try url("/api/v1/import"),
                                headers: ["Content-Type": "application/json", "Authorization": "Bearer " + jwt],
                                body: Data(body))
    }

    /// Sets the cash balance of account `id`.
    func updateAccount(id: String, name: String, balance: String, jwt: String) async throws {
        guard let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])) else { return }
        _ = try await http.send(method: "PUT", url: try url("/api/v1/account/" + escaped),
                                headers: ["Content-Type": "application/json", "Authorization": "Bearer " + jwt],
                                body: Data(GhostfolioImportDocument.accountUpdate(id: id, name: name, balance: balance)))
    }
}
