import DocketStore
import DocketTestSupport
import Foundation
import Testing

/// The binary embeds Schema/ through scripts/embed-schema; these must never drift apart.
@Suite struct EmbeddedSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func embeddedCopyEqualsSchemaFolder() throws {
        let generated = Self.root.appendingPathComponent("Sources/DocketStore/EmbeddedSchema.swift")
        let before = try String(contentsOf: generated, encoding: .utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Regenerate into a copy of the tree's inputs, never over the committed file.
        for folder in ["Schema", "scripts"] {
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(folder), to: scratch.appendingPathComponent(folder))
        }
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("Sources/DocketStore"), withIntermediateDirectories: true)
        let child = try Spawned(executable: "/bin/bash", arguments: [scratch.appendingPathComponent("scripts/embed-schema").path])
        let errors = String(decoding: Spawned.readAll(child.errorOutput), as: UTF8.self)
        _ = Spawned.readAll(child.output)
        #expect(child.wait() == (0, false), "\(errors)")
        let after = try String(contentsOf: scratch.appendingPathComponent("Sources/DocketStore/EmbeddedSchema.swift"), encoding: .utf8)
        #expect(after == before, "Sources/DocketStore/EmbeddedSchema.swift is stale: run scripts/embed-schema")
    }

    @Test func migrationNamesFollowTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schema/migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        #expect(Store.migrationNames == files)
    }
}
