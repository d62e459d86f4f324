import Foundation
import Logging
import Testing
@testable import App

/// Under systemd every stderr line carries its syslog priority, so `journalctl -p err` finds the errors.
struct JournalLogTests {
    /// Collects what a handler writes.
    final class Sink: TextOutputStream, @unchecked Sendable {
        // @unchecked: each test writes from its own thread only.
        var text = ""
        func write(_ string: String) { text += string }
    }

    struct SinkStream: TextOutputStream, Sendable {
        let sink: Sink
        mutating func write(_ string: String) { sink.write(string) }
    }

    func logged(prefixing: Bool, _ body: (Logger) -> Void) -> String {
        let sink = Sink()
        var logger = Logger(label: "holdfast-test") { label in
            JournalLogHandler(label: label, sink: SinkStream(sink: sink), prefixesPriority: prefixing)
        }
        logger.logLevel = .trace
        body(logger)
        return sink.text
    }

    @Test func prioritiesFollowSyslog() {
        let expected: [(Logger.Level, Int)] = [(.critical, 2), (.error, 3), (.warning, 4), (.notice, 5), (.info, 6), (.debug, 7), (.trace, 7)]
        for (level, priority) in expected { #expect(JournalLogHandler.priority(of: level) == priority) }
    }

    @Test func linesArePrefixedUnderJournald() {
        let text = logged(prefixing: true) { logger in
            logger.error("disk full", metadata: ["wal_bytes": "12"])
            logger.info("started")
            logger.critical("two\nlines")
        }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("<3>") && lines[0].contains("error holdfast-test: wal_bytes=12") && lines[0].hasSuffix("disk full"))
        #expect(lines[1].hasPrefix("<6>"))
        #expect(lines[2].hasPrefix("<2>") && lines[3] == "<2>lines")
    }

    @Test func linesAreUnchangedOutsideJournald() {
        let text = logged(prefixing: false) { $0.error("disk full") }
        #expect(!text.hasPrefix("<"))
        #expect(text.contains(" error holdfast-test: ") && text.hasSuffix("disk full\n"))
    }

    @Test func journalStreamMustNameStderrItself() {
        #expect(JournalStream.matches("8:1234", identity: (8, 1234)))
        #expect(!JournalStream.matches(nil, identity: (8, 1234)))
        #expect(!JournalStream.matches("8:1234", identity: nil))
        #expect(!JournalStream.matches("8:999", identity: (8, 1234)))  // inherited, but stderr was redirected
        #expect(!JournalStream.matches("garbage", identity: (8, 1234)))
        #expect(JournalStream.standardErrorIdentity() != nil)
    }
}
