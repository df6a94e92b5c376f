import DocketCore
import GRDB

/// The field-level merge of `*.update` mutations (PROTOCOL sections 6 and 8).
enum Merge {
    /// Reads `baseVersion` and the `set` object; nil (with errors recorded) when either is missing.
    static func readUpdate(_ args: inout Args) -> (baseVersion: Int64, set: Args)? {
        let base = args.int("baseVersion", in: 0...Int64.max)
        guard let set = args.object("set") else {
            if args.raw("set")?.isNull ?? true { args.fail("set", "is required: an object of the fields to change") }
            return nil
        }
        guard let base else { return nil }
        return (base, set)
    }

    /// Throws `conflict` when another mutation changed any of `fields` after `baseVersion`.
    ///
    /// A change made through the same client does not conflict: it is the same
    /// device's earlier intention. The problem carries the entity's `current` value.
    static func check(_ type: EntityType, _ id: String, fields: [String], baseVersion: Int64, _ context: MutationContext) throws {
        guard !fields.isEmpty else { return }
        let placeholders = fields.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [type.rawValue, id, baseVersion]
        arguments += StatementArguments(fields)
        let changed = try Row.fetchAll(
            context.db,
            cached: """
                SELECT field, client_id FROM field_change
                WHERE type = ? AND entity_id = ? AND version > ? AND field IN (\(placeholders)) ORDER BY field
                """,
            arguments: arguments
        ).filter { row in
            let client: String? = row["client_id"]
            return client == nil || context.clientID == nil || client != context.clientID?.rawValue
        }.map { $0["field"] as String }
        guard !changed.isEmpty else { return }
        var current: JSONValue = .null
        if let snapshot = try ChangeLog.snapshot(type, id, context.db) {
            current = (try? JSONParser.parse(snapshot.value)) ?? .null
        }
        throw Problem(
            .conflict, "changed by someone else since version \(baseVersion): \(changed.joined(separator: ", "))",
            errors: changed.map { FieldError(field: "args.set.\($0)", message: "was changed by someone else") },
            extensions: ["current": current])
    }

    /// The names of the members present in `set` that are among `allowed`; the rest are reported.
    static func fields(in set: inout Args, allowed: [String], raw: JSONValue?) -> [String] {
        guard case .object(let members)? = raw else { return [] }
        var present: [String] = []
        for (key, _) in members where !present.contains(key) {
            if allowed.contains(key) {
                present.append(key)
            } else {
                set.fail(key, "cannot be changed by this mutation")
            }
        }
        if present.isEmpty && set.isValid { set.failWhole("must name at least one field") }
        return present
    }
}
