import Exchanges
import Foundation
import Testing
@testable import Sandbox

/// The sandbox's own Bybit signature check (`BybitSignatureCheck`, not the client's signer) against the vector
/// file's known answers, and one-byte changes it must refuse; the region prefix of a regional host.
struct BybitSandboxCheckTests {
    @Test func vectorsVerifyAndChangesAreRefused() throws {
        let secret = ExchangeVectorFile.credentials("bybit")["secret"]!
        let checks = ExchangeVectorFile.vector("bybit")["checks"] as! [[String: Any]]
        for check in checks {
            let prehash = check["string_to_sign"] as! String
            let signature = check["ccxt_X-BAPI-SIGN"] as! String
            #expect(BybitSignatureCheck.isValid(signature, prehash: prehash, secret: secret))
            #expect(!BybitSignatureCheck.isValid(signature, prehash: prehash + "&coin=BTC", secret: secret))
            #expect(!BybitSignatureCheck.isValid(signature, prehash: "1700000000001" + prehash.dropFirst(13), secret: secret))
            #expect(!BybitSignatureCheck.isValid(signature.uppercased(), prehash: prehash, secret: secret))
            #expect(!BybitSignatureCheck.isValid(signature, prehash: prehash, secret: secret + "x"))
        }
        #expect(BybitSignatureCheck.prehash(timestamp: "1700000000000", apiKey: "FAKEBYBITKEY000001", recvWindow: "5000",
                                            query: "accountType=UNIFIED")
            == "1700000000000FAKEBYBITKEY0000015000accountType=UNIFIED")
    }

    @Test func regionPrefixIsStripped() {
        #expect(BybitSimulator.host(of: "/nl/v5/account/info") == ("nl", "/v5/account/info"))
        #expect(BybitSimulator.host(of: "/v5/account/info") == (nil, "/v5/account/info"))
        // The default region is never a prefix, and an unknown segment is a path, not a host.
        #expect(BybitSimulator.host(of: "/global/v5/account/info") == (nil, "/global/v5/account/info"))
        #expect(BybitSimulator.host(of: "/xx/v5/account/info") == (nil, "/xx/v5/account/info"))
        #expect(BybitSimulator.host(of: "/eu") == (nil, "/eu"))
    }
}
