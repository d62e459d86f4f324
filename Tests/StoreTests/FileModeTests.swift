import Foundation
import Testing
@testable import Store

/// The database and its -wal/-shm files are the owner's alone, whatever the umask of whoever made them.
struct FileModeTests {
    @Test func newDatabaseAndItsWALAre0600UnderAPermissiveUmask() throws {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        let previous = umask(0o022)
        defer { umask(previous) }
        let connection = try SQLiteConnection(path: path)
        try connection.execute("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x')")
        #expect(permissions(path) == 0o600)
        #expect(permissions(path + "-wal") == 0o600)
        #expect(permissions(path + "-shm") == 0o600)
    }

    @Test func existingLooseFilesAreTightened() throws {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        do {
            let connection = try SQLiteConnection(path: path)
            try connection.execute("CREATE TABLE t (v TEXT)")
            // Keep the WAL and SHM files as an older install left them.
            for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o644) }
            #expect(permissions(path) == 0o644)
            let second = try SQLiteConnection(path: path)
            _ = try second.query("SELECT count(*) AS n FROM t")
        }
        #expect(permissions(path) == 0o600)
        for file in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(permissions(file) == 0o600)
        }
    }
}
