import Foundation

extension Database {
    /// Bytes the probe writes: enough to need fresh pages (16 of 4 KiB), so a full disk or a full database
    /// refuses it, as it would refuse a sync's rows.
    static let probeBytes = 64 * 1024

    /// While `writeHealth` records a storage failure, tries one real write to learn whether the storage
    /// takes writes again, at most once per `interval` seconds; does nothing while writes are healthy.
    ///
    /// Without it a failure would be cleared only by the next write some user happens to make, and `/health`
    /// would report a disk that was freed long ago. The probe creates a table, fills it with 64 KiB and drops
    /// it in one transaction: the pages must be allocated and written to the WAL at commit, yet nothing is
    /// left behind (the pages go to the freelist). `write` records the outcome in `writeHealth`.
    public func probeWritesIfFailing(interval: TimeInterval = 5, now: Date = Date()) {
        guard writeHealth.currentFailure != nil, writeHealth.claimProbe(at: now, interval: interval) else { return }
        _ = try? write { db in
            try db.execute("""
                CREATE TABLE holdfast_write_probe (filler BLOB);
                INSERT INTO holdfast_write_probe VALUES (zeroblob(\(Self.probeBytes)));
                DROP TABLE holdfast_write_probe;
                """)
        }
    }
}
