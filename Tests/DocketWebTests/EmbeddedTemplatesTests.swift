import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The binary embeds Sources/DocketWeb/Templates through scripts/embed-schema; the two must never drift apart.
@Suite struct EmbeddedTemplatesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func embeddedCopyEqualsTheTemplatesFolder() throws {
        let generated = Self.root.appendingPathComponent("Sources/DocketWeb/EmbeddedTemplates.swift")
        let before = try String(contentsOf: generated, encoding: .utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Regenerate into a copy of the tree's inputs, never over the committed files.
        for folder in ["Schema", "scripts", "Sources/DocketWeb/Templates"] {
            let target = scratch.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(folder), to: target)
        }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("Sources/DocketStore"), withIntermediateDirectories: true)
        #expect(try runQuietly("/bin/bash", [scratch.appendingPathComponent("scripts/embed-schema").path]) == 0)
        let after = try String(contentsOf: scratch.appendingPathComponent("Sources/DocketWeb/EmbeddedTemplates.swift"), encoding: .utf8)
        #expect(after == before, "Sources/DocketWeb/EmbeddedTemplates.swift is stale: run scripts/embed-schema")
    }

    @Test func everyTemplateFileIsEmbedded() throws {
        let folder = Self.root.appendingPathComponent("Sources/DocketWeb/Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        let generated = try String(contentsOf: Self.root.appendingPathComponent("Sources/DocketWeb/EmbeddedTemplates.swift"), encoding: .utf8)
        #expect(names.count >= 8)
        for name in names { #expect(generated.contains("\"\(name.dropLast(".mustache".count))\": #\"\"\"")) }
    }

    /// Runs `path` with `arguments` (stdout to /dev/null) and returns its exit status; posix_spawn, not
    /// Foundation's Process, which crashes when another suite launches one at the same time.
    private func runQuietly(_ path: String, _ arguments: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}
