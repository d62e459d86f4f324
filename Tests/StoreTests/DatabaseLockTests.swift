import Foundation
import Testing
@testable import Store

/// The restore lock: services share it, restore needs it alone, nobody waits. flock locks belong to an open
/// file description, so two acquisitions in one process conflict exactly as two processes would.
struct DatabaseLockTests {
    let database = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString).sqlite").path

    @Test func servicesShareItAndRestoreIsRefusedUntilTheyAreGone() throws {
        let sync = try DatabaseLock.acquire(for: database, mode: .shared)
        var responder = try DatabaseLock.acquire(for: database, mode: .shared)
        #expect(responder != nil && sync != nil)
        #expect(try DatabaseLock.acquire(for: database, mode: .exclusive) == nil)
        responder = nil
        // The responder is gone; the sync run still holds it.
        #expect(try DatabaseLock.acquire(for: database, mode: .exclusive) == nil)
        withExtendedLifetime(sync) {}
        withExtendedLifetime(responder) {}
    }

    @Test func aHeldRestoreKeepsServicesOutUntilItEnds() throws {
        var restore = try DatabaseLock.acquire(for: database, mode: .exclusive)
        #expect(restore != nil)
        #expect(try DatabaseLock.acquire(for: database, mode: .shared) == nil)
        withExtendedLifetime(restore) {}
        restore = nil
        #expect(try DatabaseLock.acquire(for: database, mode: .shared) != nil)
    }

    @Test func aMissingFolderIsAnErrorNotAFreeLock() {
        #expect(throws: FileSystemError.self) { try DatabaseLock.acquire(for: "/nonexistent-\(UUID())/db.sqlite", mode: .shared) }
    }
}
