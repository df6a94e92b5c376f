import Foundation
import Testing

/// The binary embeds Sources/DocketWeb/Templates through scripts/embed-schema (EmbeddedSchemaTests in the
/// store's tests regenerates and compares every embedded copy).
@Suite struct EmbeddedTemplatesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyTemplateFileIsEmbedded() throws {
        let folder = Self.root.appendingPathComponent("Sources/DocketWeb/Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        let generated = try String(contentsOf: Self.root.appendingPathComponent("Sources/DocketWeb/EmbeddedTemplates.swift"), encoding: .utf8)
        #expect(names.count >= 8)
        for name in names { #expect(generated.contains("\"\(name.dropLast(".mustache".count))\": #\"\"\"")) }
    }
}
