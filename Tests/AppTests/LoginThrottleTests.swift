import Foundation
import Logging
import Testing
import Web
@testable import App

/// The per-account login throttle through `handle(_:)`, on a clock the test moves instead of sleeping, on both
/// backends (its state is the store's `login_throttle`).
struct LoginThrottleTests {
    /// A clock the test moves by hand.
    final class TestClock: @unchecked Sendable {
        // @unchecked: `date` is only touched under `lock`.
        private let lock = NSLock()
        private var date = Date(timeIntervalSince1970: 1_800_000_000)
        var now: Date { lock.withLock { date } }
        func advance(_ seconds: TimeInterval) { lock.withLock { date += seconds } }
    }

    let clock = TestClock()

    func app(backend: TestBackend, logger: Logger = Logger(label: "test")) throws -> TestApp {
        let clock = self.clock
        return try TestApp(backend: backend, logger: logger, throttleClock: { clock.now })
    }

    func login(_ t: TestApp, _ email: String, _ password: String, from address: String = "192.0.2.1") -> Response {
        t.request("POST", "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#, remoteAddress: address)
    }

    @Test(arguments: TestBackend.allCases) func locksAfterFiveFailuresAndRefusesEvenTheRightPasswordUntilTheDelayEnds(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        for attempt in 1...5 {
            #expect(login(t, "ada@example.com", "wrong password \(attempt)").status == 401)
        }
        let locked = login(t, "ada@example.com", "wrong password 6", from: "198.51.100.7")
        #expect(locked.status == 429)
        #expect(locked.errorCode == "login_throttled")
        #expect(locked.header("Retry-After") == "30")

        let right = login(t, "ada@example.com", "correct horse battery", from: "203.0.113.9")
        #expect(right.status == 429 && right.errorCode == "login_throttled")
        clock.advance(10)
        #expect(login(t, "ada@example.com", "correct horse battery").header("Retry-After") == "20")
        clock.advance(20)
        #expect(login(t, "ada@example.com", "correct horse battery").status == 200)
    }

    @Test(arguments: TestBackend.allCases) func eachFurtherFailureDoublesTheLock(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        for _ in 1...5 { _ = login(t, "ada@example.com", "wrong password") }
        clock.advance(30)
        // Attempts refused while locked are not counted: the 6th counted failure locks for 60 s.
        #expect(login(t, "ada@example.com", "wrong password").status == 401)
        #expect(login(t, "ada@example.com", "wrong password").header("Retry-After") == "60")
        clock.advance(60)
        #expect(login(t, "ada@example.com", "wrong password").status == 401)
        #expect(login(t, "ada@example.com", "correct horse battery").header("Retry-After") == "120")

        #expect(LoginThrottle.lockDuration(afterFailures: 4) == nil)
        #expect([5, 6, 7, 9, 10, 11, 500].map { LoginThrottle.lockDuration(afterFailures: $0) } == [30, 60, 120, 480, 900, 900, 900])
    }

    @Test(arguments: TestBackend.allCases) func parallelGuessesGetNoMoreThanFiveChecks(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        // Attempts are counted before their password is checked, in the same transaction as the lock check, so
        // guesses in flight at once (several responder threads or processes) cannot all slip past the lock.
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 24) { attempt in
            statuses.append(login(t, "ada@example.com", "wrong password \(attempt)").status)
        }
        #expect(statuses.all.filter { $0 == 401 }.count == 5)
        #expect(statuses.all.filter { $0 == 429 }.count == 19)
    }

    /// Statuses collected from several threads.
    final class Statuses: @unchecked Sendable {
        // @unchecked: `values` is only touched under `lock`.
        private let lock = NSLock()
        private var values: [Int] = []
        func append(_ status: Int) { lock.withLock { values.append(status) } }
        var all: [Int] { lock.withLock { values } }
    }

    @Test(arguments: TestBackend.allCases) func successResetsTheCount(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        for _ in 1...4 { #expect(login(t, "ada@example.com", "wrong password").status == 401) }
        #expect(login(t, "ada@example.com", "correct horse battery").status == 200)
        // Five more failures are all checked (without the reset the first would already lock the key), and
        // the fifth locks it again.
        for _ in 1...5 { #expect(login(t, "ada@example.com", "wrong password").status == 401) }
        #expect(login(t, "ada@example.com", "correct horse battery").status == 429)
    }

    @Test(arguments: TestBackend.allCases) func unknownEmailIsThrottledExactlyLikeAKnownOne(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        func statuses(_ email: String) -> [Response] {
            (1...7).map { login(t, email, "wrong password \($0)") }
        }
        let known = statuses("ada@example.com")
        let unknown = statuses("nobody@example.com")
        #expect(known.map(\.status) == [401, 401, 401, 401, 401, 429, 429])
        #expect(unknown.map(\.status) == known.map(\.status))
        #expect(unknown.map(\.body) == known.map(\.body))
        #expect(unknown.map { $0.header("Retry-After") } == known.map { $0.header("Retry-After") })
    }

    @Test(arguments: TestBackend.allCases) func caseAndSpacesDoNotMakeANewKey(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        try t.addUser("ada@example.com")
        for variant in ["ada@example.com", "ADA@example.com", " ada@EXAMPLE.com", "Ada@Example.Com  ", "ada@example.com"] {
            #expect(login(t, variant, "wrong password").status == 401)
        }
        #expect(login(t, "aDa@example.com", "correct horse battery").status == 429)
    }

    @Test func aLockIsLoggedOnceWithTheClientAndNeverThePasswordOrEmail() throws {
        let capture = LogCapture()
        let t = try app(backend: .sqlite, logger: Logger(label: "test") { _ in capture })
        let userID = try t.addUser("ada@example.com")
        for attempt in 1...6 { _ = login(t, "ada@example.com", "secret guess \(attempt)", from: "198.51.100.\(attempt)") }
        for attempt in 1...5 { _ = login(t, "nobody@example.com", "secret guess \(attempt)", from: "198.51.100.\(attempt)") }

        let warnings = capture.lines.filter { $0.level == .warning && $0.message == "login throttled" }
        #expect(warnings.count == 2)
        let known = try #require(warnings.first?.metadata)
        #expect(known["failures"] == "5" && known["locked_for"] == "30" && known["client"] == "198.51.100.5")
        #expect(known["user_id"]?.description == userID)
        #expect(warnings.last?.metadata["user_id"] == nil)
        let everything = capture.lines.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!everything.contains("secret guess") && !everything.contains("@example.com"))
    }

    @Test(arguments: TestBackend.allCases) func oldFailuresArePruned(_ backend: TestBackend) throws {
        let t = try app(backend: backend)
        for _ in 1...3 { _ = login(t, "ada@example.com", "wrong password") }
        clock.advance(LoginThrottle.memory + 1)
        _ = login(t, "bob@example.com", "wrong password")
        let rows = try t.app.database.read { try $0.query("SELECT failures FROM login_throttle").map { $0.int("failures") } }
        #expect(rows == [1])
    }
}
