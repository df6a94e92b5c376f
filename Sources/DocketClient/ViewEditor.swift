import DocketCore
import GRDB

/// Reads and writes the user's view inside one replica transaction (for the overlay rules).
struct ViewEditor {
    let db: Database

    /// The view's value of one entity.
    func value(_ type: String, _ id: String) throws -> JSONValue? {
        try String.fetchOne(db, sql: "SELECT value FROM view WHERE type = ? AND id = ?", arguments: [type, id])
            .flatMap { try? JSONParser.parse($0) }
    }

    /// Stores `value` as a locally changed entity.
    func put(_ type: String, _ id: String, _ value: JSONValue) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO view (type, id, value, local) VALUES (?, ?, ?, 1)",
            arguments: [type, id, value.jsonString])
    }

    /// The first entity of `type` (by id) whose top-level `field` is the string `text`.
    func first(_ type: String, where field: String, is text: String) throws -> (id: String, value: JSONValue)? {
        let row = try Row.fetchOne(
            db, sql: "SELECT id, value FROM view WHERE type = ? AND json_extract(value, '$.' || ?) = ? ORDER BY id LIMIT 1",
            arguments: [type, field, text])
        guard let row, let value = try? JSONParser.parse(row["value"] as String) else { return nil }
        return (row["id"], value)
    }
}

extension JSONValue {
    /// This object with member `key` set to `value` (replaced in place, or appended).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.lastIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }
}
