import DocketStore
import DocketTestSupport
import Foundation
import Testing

/// The binary embeds Schema/ and the page templates through scripts/embed-schema; these must never drift apart.
@Suite struct EmbeddedSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The files scripts/embed-schema writes, each from its folder: the server's migrations and fixtures, the
    /// client's migrations, the page templates.
    static let generated = [
        "Sources/DocketStore/EmbeddedSchema.swift", "Sources/DocketClient/EmbeddedClientSchema.swift",
        "Sources/DocketWeb/EmbeddedTemplates.swift",
    ]

    @Test func everyEmbeddedCopyEqualsItsFolder() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Regenerate into a copy of the tree's inputs, never over the committed files.
        for folder in ["Schema", "scripts", "Sources/DocketWeb/Templates"] {
            let target = scratch.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(folder), to: target)
        }
        for file in Self.generated {
            try FileManager.default.createDirectory(
                at: scratch.appendingPathComponent(file).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        let child = try Spawned(executable: "/bin/bash", arguments: [scratch.appendingPathComponent("scripts/embed-schema").path])
        let errors = String(decoding: Spawned.readAll(child.errorOutput), as: UTF8.self)
        _ = Spawned.readAll(child.output)
        #expect(child.wait() == (0, false), "\(errors)")
        for file in Self.generated {
            let before = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            let after = try String(contentsOf: scratch.appendingPathComponent(file), encoding: .utf8)
            #expect(after == before, "\(file) is stale: run scripts/embed-schema")
        }
    }

    @Test func migrationNamesFollowTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schema/migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        #expect(Store.migrationNames == files)
    }
}
