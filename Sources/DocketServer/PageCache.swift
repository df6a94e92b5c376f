import DocketCore
import Synchronization

/// Rendered public pages, kept while nothing is committed and the minute has not turned.
///
/// A seminar page takes tens of milliseconds to render (Markdown, templates) and is read far more
/// often than anything changes. The stamp is the database's data version (which moves with every
/// commit, see `Store.commitStamp`) and the minute of the clock (the page says what is future and
/// what is past); it is read before the data, so a page is never kept under a newer stamp than its
/// data. At most `capacity` pages are kept.
final class PageCache: Sendable {
    struct Page {
        var html: String
        var lastModified: Timestamp?
    }

    private struct Entry {
        var stamp: String
        var page: Page
    }

    static let capacity = 256
    private let entries = Mutex<[String: Entry]>([:])

    func page(_ key: String, stamp: String) -> Page? {
        entries.withLock { $0[key].flatMap { $0.stamp == stamp ? $0.page : nil } }
    }

    func keep(_ page: Page, _ key: String, stamp: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[key] == nil { entries.removeAll() }
            entries[key] = Entry(stamp: stamp, page: page)
        }
    }
}
