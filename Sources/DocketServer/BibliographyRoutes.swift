import DocketCore
import DocketStore
import HTTPTypes
import Hummingbird
import NIOCore

/// The reading lists of a public series as BibTeX: the whole series, or one episode.
///
/// No token is needed; a members-only or unknown series, or an unknown episode number, is a 404 problem.
struct BibliographyRoutes {
    let store: Store

    private static let bibTeXType = "application/x-bibtex; charset=utf-8"

    func register(on router: Router<AppContext>) {
        router.get("/series/{slug}/bibliography.bib") { _, context in
            let page = try publicSeries(context)
            let episodes = page.episodes.filter { $0.status != .cancelled }
            return Self.answer(Self.papers(of: episodes, in: page))
        }
        router.get("/series/{slug}/episodes/{number}/bibliography.bib") { _, context in
            let page = try publicSeries(context)
            guard let text = context.parameters.get("number"), let number = Int(text), number > 0,
                let episode = page.episode(number: number)
            else { throw Problem(.notFound, "the series has no episode with that number") }
            return Self.answer(Self.papers(of: [episode], in: page))
        }
    }

    private func publicSeries(_ context: AppContext) throws -> PublicSeries {
        guard let slug = context.parameters.get("slug"), Series.isValidSlug(slug), let page = try store.publicSeries(slug: slug) else {
            throw Problem(.notFound, "no public series with that slug")
        }
        return page
    }

    /// The episodes' papers in episode order, each episode's by role (main, background, further), each paper once.
    ///
    /// Cancelled episodes are left out of a series' list: nobody read for them.
    static func papers(of episodes: [Episode], in page: PublicSeries) -> [PaperFields] {
        var seen: Set<PaperID> = []
        var papers: [PaperFields] = []
        for episode in episodes {
            let ordered = PaperRole.allCases.flatMap { role in episode.papers.filter { $0.role == role } }
            for entry in ordered where seen.insert(entry.paperID).inserted {
                if let paper = page.papers[entry.paperID] { papers.append(paper.fields) }
            }
        }
        return papers
    }

    private static func answer(_ papers: [PaperFields]) -> Response {
        Response(
            status: .ok, headers: [.contentType: bibTeXType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: BibTeXWriter.bibliography(papers))))
    }
}
