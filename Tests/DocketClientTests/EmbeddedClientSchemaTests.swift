import DocketClient
import Foundation
import Testing

/// The binary embeds Schema/client-migrations through scripts/embed-schema (EmbeddedSchemaTests in the
/// store's tests regenerates and compares every embedded copy).
@Suite struct EmbeddedClientSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func migrationNamesFollowTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schema/client-migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        #expect(!files.isEmpty)
        #expect(Replica.migrationNames == files)
    }
}
