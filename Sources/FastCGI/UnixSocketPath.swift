import Foundation

/// What is at a unix socket's path, so a responder started by hand never takes over or deletes a socket that
/// belongs to another process (systemd's holdfast-fcgi.socket, or a responder already running).
enum UnixSocketPath {
    /// What is found at a path before binding there.
    enum Occupant: Equatable {
        /// Nothing: bind away.
        case nothing
        /// A socket nobody accepts on: left by a responder that died; safe to remove.
        case staleSocket
        /// A socket some process accepts connections on.
        case listeningSocket
        /// A file of another kind (a regular file, a folder): never removed.
        case otherFile
    }

    static func occupant(of path: String) -> Occupant {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .nothing }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return .otherFile }
        return acceptsConnections(path) ? .listeningSocket : .staleSocket
    }

    /// The inode at `path`, to recognise later the socket this process bound there.
    static func inode(of path: String) -> ino_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_ino : nil
    }

    /// Removes `path` only when it is still the socket with inode `inode` (the one this process bound): after
    /// a stop, another process may have put its own socket there.
    static func removeIfStill(_ path: String, inode: ino_t) {
        if Self.inode(of: path) == inode { unlink(path) }
    }

    private static func acceptsConnections(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0
    }
}
