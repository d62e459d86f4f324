import Foundation
import Logging
import Testing
@testable import App

/// Every line logged while a request is served carries its id, whichever logger or task wrote it.
struct LoggingTests {
    @Test func requestIDReachesLinesFromAnyLoggerAndChildTasks() async {
        let capture = LogCapture()
        let logger = Logger(label: "test") { _ in RequestIDLogHandler(inner: capture) }
        logger.info("outside")
        await RequestContext.$requestID.withValue("req-1234") {
            logger.info("inside")
            await Task { logger.info("in a child task") }.value
        }
        let ids = capture.lines.map { $0.metadata["request_id"]?.description }
        #expect(ids == [nil, "req-1234", "req-1234"])
    }
}
