import DocketClient
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The binary embeds Schema/client-migrations through scripts/embed-schema; the two must never drift apart.
@Suite struct EmbeddedClientSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func embeddedCopyEqualsSchemaFolder() throws {
        let generated = Self.root.appendingPathComponent("Sources/DocketClient/EmbeddedClientSchema.swift")
        let before = try String(contentsOf: generated, encoding: .utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("embed-client-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Regenerate into a copy of the tree's inputs, never over the committed files.
        for folder in ["Schema", "scripts"] {
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(folder), to: scratch.appendingPathComponent(folder))
        }
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("Sources/DocketStore"), withIntermediateDirectories: true)
        // posix_spawn, not Foundation's Process: Process.run crashes when another suite launches one at the same time.
        #expect(try spawnAndWait("/bin/bash", [scratch.appendingPathComponent("scripts/embed-schema").path]) == 0)
        let after = try String(contentsOf: scratch.appendingPathComponent("Sources/DocketClient/EmbeddedClientSchema.swift"), encoding: .utf8)
        #expect(after == before, "Sources/DocketClient/EmbeddedClientSchema.swift is stale: run scripts/embed-schema")
    }

    @Test func migrationNamesFollowTheFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schema/client-migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        #expect(!files.isEmpty)
        #expect(Replica.migrationNames == files)
    }
}

/// Runs `path` with `arguments` (stdout to /dev/null) and returns its exit status.
func spawnAndWait(_ path: String, _ arguments: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw SpawnError(code: spawned) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status >> 8) & 0xFF
}

struct SpawnError: Error { var code: Int32 }
