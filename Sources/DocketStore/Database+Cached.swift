import GRDB
import GRDBSQLite

// Preparing a statement costs more than running it (parsing, planning, and
// GRDB's authorizer pass), and the write path runs the same few dozen
// statements for every mutation. These overloads go through the connection's
// statement cache; use them for every fixed SQL text.

extension Database {
    /// Executes one SQL statement through the statement cache.
    func execute(cached sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = []) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = []) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible where Self: StatementColumnConvertible {
    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = []) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = []) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

/// A value `Database.run(_:_:)` binds.
enum SQLValue {
    case null
    case integer(Int64)
    case text(String)

    init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    init(_ integer: Int64?) { self = integer.map(SQLValue.integer) ?? .null }
}

/// SQLite's "copy the value now" destructor (`SQLITE_TRANSIENT` is a C macro, not imported).
private let copyValue = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Database {
    /// Runs a statement that returns no rows through the statement cache, binding `values` straight to SQLite.
    ///
    /// GRDB's `StatementArguments` box every value in an existential and convert it again to bind it: on the push
    /// path, a dozen values a statement, that and its retains were a fifth of the writer's time (issue 3 notes).
    /// Errors are GRDB's `DatabaseError`, with the extended result code, as `execute(cached:arguments:)` throws.
    /// The statement skips GRDB's execution hooks, which only matter to transaction observers (Docket has none)
    /// and to transaction statements: use it for INSERT, UPDATE and DELETE only.
    func run(_ sql: String, _ values: [SQLValue]) throws {
        let statement = try cachedStatement(sql: sql).sqliteStatement
        // A statement GRDB has just prepared may not be ready for binding yet (SQLITE_MISUSE): reset it first.
        sqlite3_reset(statement)
        precondition(values.count == Int(sqlite3_bind_parameter_count(statement)), "\(values.count) values for: \(sql)")
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in values.enumerated() {
            let position = CInt(index + 1)
            let code: CInt
            switch value {
            case .null: code = sqlite3_bind_null(statement, position)
            case .integer(let integer): code = sqlite3_bind_int64(statement, position, integer)
            case .text(let text):
                code = text.withCString { sqlite3_bind_text(statement, position, $0, CInt(text.utf8.count), copyValue) }
            }
            guard code == SQLITE_OK else { throw lastError(sql) }
        }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw lastError(sql) }
    }

    private func lastError(_ sql: String) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(sqliteConnection)),
            message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
    }
}

/// An INSERT of many rows in few statements: its SQL for each row count up to `maxRows` is made once, and
/// `run` splits the values into statements of at most that many rows.
struct RowInsert {
    static let maxRows = 64

    let columns: Int
    private let texts: [String]

    /// `head` ends with `VALUES`; `tail` (an `ON CONFLICT` clause) follows the rows.
    init(_ head: String, columns: Int, _ tail: String = "") {
        self.columns = columns
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        texts = (0...Self.maxRows).map { head + " " + Array(repeating: row, count: $0).joined(separator: ", ") + " " + tail }
    }

    /// Inserts `values`, `columns` to a row, row after row.
    func run(_ values: [SQLValue], _ db: Database) throws {
        precondition(values.count % columns == 0, "\(values.count) values for rows of \(columns)")
        for start in stride(from: 0, to: values.count, by: Self.maxRows * columns) {
            let end = min(start + Self.maxRows * columns, values.count)
            try db.run(texts[(end - start) / columns], Array(values[start..<end]))
        }
    }
}
