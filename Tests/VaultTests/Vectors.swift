import Testing
import Foundation
import Primitives

/// Loads JSON test vectors from the bundled `Vectors` directory.
enum Vectors {
    /// Decodes `Vectors/<name>` into `T`.
    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let directory = try #require(Bundle.module.url(forResource: "Vectors", withExtension: nil))
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Bytes of a hex string from a vector file (an invalid vector file is a test failure, not a crash).
    static func bytes(_ hex: String) throws -> [UInt8] {
        try #require(Hex.decode(hex))
    }
}
