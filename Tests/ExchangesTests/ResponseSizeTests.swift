import Foundation
import Sandbox
import Testing
@testable import Exchanges

/// The transport's answer cap (`HTTPTransport.maximumBodyBytes`): an answer one byte over it is `bad_response`,
/// whether its `Content-Length` announces the size or it arrives chunked and only reading tells; an answer
/// padded well past the real one's size but under the cap still reads. The sandbox pads the real answer with
/// trailing spaces, so the oversized body is valid JSON: only the cap can refuse it.
struct ResponseSizeTests {
    private func balances(_ exchange: ExchangeID, paddedTo size: Int, chunked: Bool) async throws -> Result<[Balance], ExchangeError> {
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            var faults = Faults()
            faults.paddedBodyBytes = size
            faults.chunkedBody = chunked
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            do {
                return .success(try await h.client(account).fetchBalances())
            } catch let error as ExchangeError {
                return .failure(error)
            }
        }
    }

    @Test(arguments: ExchangeID.allCases, [false, true])
    func anAnswerOverTheCapIsBadResponse(exchange: ExchangeID, chunked: Bool) async throws {
        let result = try await balances(exchange, paddedTo: HTTPTransport.maximumBodyBytes + 1, chunked: chunked)
        guard case .failure(let error) = result else {
            Issue.record("an answer of 8 MiB + 1 byte was accepted")
            return
        }
        #expect(error.code == .badResponse)
        #expect(error.detail == "answer larger than 8 MiB")
    }

    @Test(arguments: ExchangeID.allCases, [false, true])
    func aLargeAnswerUnderTheCapReads(exchange: ExchangeID, chunked: Bool) async throws {
        let result = try await balances(exchange, paddedTo: 1 << 20, chunked: chunked)
        guard case .success(let balances) = result else {
            Issue.record("a 1 MiB answer was refused: \(result)")
            return
        }
        #expect(!balances.isEmpty)
    }
}
