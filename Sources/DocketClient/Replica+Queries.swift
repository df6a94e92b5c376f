public import DocketAPI
public import DocketCore
import GRDB

extension Replica {
    /// The user's view of every entity of `type` (optionally of one series), in storage order.
    public func view(_ type: String, seriesID: String? = nil) throws -> [ViewEntity] {
        try pool.read { db in
            let rows: [Row]
            if let seriesID {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM view WHERE type = ? AND json_extract(value, '$.seriesID') = ? ORDER BY id",
                    arguments: [type, seriesID])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM view WHERE type = ? ORDER BY id", arguments: [type])
            }
            return rows.map(Replica.viewEntity)
        }
    }

    /// One entity of the view, if present.
    public func view(_ type: String, id: String) throws -> ViewEntity? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM view WHERE type = ? AND id = ?", arguments: [type, id]).map(Replica.viewEntity)
        }
    }

    static func viewEntity(_ row: Row) -> ViewEntity {
        let value = (try? JSONParser.parse(row["value"] as String)) ?? .null
        return ViewEntity(type: row["type"], id: row["id"], value: value, local: row["local"])
    }

    /// Every pulled entity, ordered by type and id (what a fresh pull would return, as a set).
    public func pulledEntities() throws -> [PulledEntity] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pulled ORDER BY type, id").map { row in
                PulledEntity(
                    type: row["type"], id: row["id"], version: row["version"], deleted: false,
                    value: try? JSONParser.parse(row["value"] as String))
            }
        }
    }

    /// The id of the series with this slug (or id) in the view.
    public func seriesID(_ slugOrID: String) throws -> SeriesID? {
        try pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT id FROM view WHERE type = 'series' AND (id = ? OR json_extract(value, '$.slug') = ?)",
                arguments: [slugOrID, slugOrID])
        }.map(SeriesID.init(trusted:))
    }
}
