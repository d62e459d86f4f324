import Foundation
import Logging
import Testing
@testable import App

/// Every line logged while a request is served carries its id, whichever logger or task wrote it.
struct LoggingTests {
    final class Capture: LogHandler, @unchecked Sendable {
        // @unchecked: only touched under `lock`.
        let lock = NSLock()
        var lines: [Logger.Metadata] = []
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lock.withLock { lines.append(event.metadata ?? [:]) }
        }
    }

    @Test func requestIDReachesLinesFromAnyLoggerAndChildTasks() async {
        let capture = Capture()
        let logger = Logger(label: "test") { _ in RequestIDLogHandler(inner: capture) }
        logger.info("outside")
        await RequestContext.$requestID.withValue("req-1234") {
            logger.info("inside")
            await Task { logger.info("in a child task") }.value
        }
        let ids = capture.lock.withLock { capture.lines.map { $0["request_id"]?.description } }
        #expect(ids == [nil, "req-1234", "req-1234"])
    }
}
