import Foundation
import Logging
import Store
import Vault

extension TimerRun {
    /// The run's alert step (issue 15), after the syncs and the value step: queue an alert per changed
    /// condition (`AlertDetector`), then send what is due (`AlertSender`, bounded to about 20 s). Its failures are
    /// logged and never fail the run.
    static func sendAlerts(configuration: Configuration, database: Database, logger: Logger) async {
        do {
            _ = try await AlertDetector(database: database, logger: logger).run()
        } catch {
            logger.error("alert conditions could not be checked", metadata: ["error": "\(error)"])
        }
        let sender = AlertSender(database: database, outbound: OutboundHTTP(policy: configuration.outboundPolicy),
                                 cipher: CredentialCipher(keyRing: configuration.keyRing), logger: logger)
        _ = await sender.run()
    }
}
