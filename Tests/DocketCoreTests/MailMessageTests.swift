import DocketCore
import Testing

/// A message from lines joined with CRLF, as mail travels.
func mail(_ lines: [String]) -> [UInt8] {
    Array(lines.joined(separator: "\r\n").utf8)
}

@Suite struct MailMessageTests {
    @Test func readsASimplePlainMessage() throws {
        let message = try MailMessage.parse(mail([
            "From: Ada Lovelace <Ada@Example.org>", "To: ml@example.org", "Subject: Read this", "",
            "See https://arxiv.org/abs/2002.09405 please.", "",
        ]))
        #expect(message.from == MailAddress(name: "Ada Lovelace", address: "Ada@Example.org"))
        #expect(message.subject == "Read this")
        #expect(message.text == "See https://arxiv.org/abs/2002.09405 please.\r\n")
        #expect(message.header("TO") == "ml@example.org")
    }

    @Test func unfoldsFoldedHeaders() throws {
        let message = try MailMessage.parse(mail(["From: a@example.org", "Subject: a long", "\tsubject that", "  was folded", "", "body"]))
        #expect(message.subject == "a long subject that was folded")
    }

    @Test(arguments: [
        ("=?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaA==?=", "Grüße aus Zürich"),
        ("=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=", "Grüße aus Zürich"),
        ("=?iso-8859-1?Q?Gr=FC=DFe?= aus =?ISO-8859-1?q?Z=FCrich?=", "Grüße aus Zürich"),
        ("=?utf-8?Q?two?= =?utf-8?Q?_words?=", "two words"),
        ("=?utf-8?Q?joined?=\r\n =?utf-8?Q?together?=", "joinedtogether"),
        ("plain =?utf-8?B?w6k=?= text", "plain é text"),
        ("=?unknown-8?Q?kept?=", "=?unknown-8?Q?kept?="),
        ("=?utf-8?X?bad?=", "=?utf-8?X?bad?="),
        ("=?windows-1252?Q?=93quoted=94?=", "“quoted”"),
    ])
    func decodesEncodedWords(_ raw: String, _ expected: String) {
        #expect(LaTeXText.collapsingWhitespace(EncodedWords.decode(raw)) == expected)
    }

    @Test func decodesEncodedWordsInTheSendersName() throws {
        let message = try MailMessage.parse(mail([
            "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>", "Subject: =?utf-8?B?UGFwZXIgw6A=?= lire", "", "x",
        ]))
        #expect(message.from == MailAddress(name: "Jörg Müller", address: "joerg@example.org"))
        #expect(message.subject == "Paper à lire")
    }

    @Test(arguments: [
        ("\"Lovelace, Ada\" <ada@example.org>", MailAddress(name: "Lovelace, Ada", address: "ada@example.org")),
        ("ada@example.org (Ada Lovelace)", MailAddress(name: "Ada Lovelace", address: "ada@example.org")),
        ("ada@example.org", MailAddress(name: nil, address: "ada@example.org")),
        ("<ada@example.org>", MailAddress(name: nil, address: "ada@example.org")),
        ("\"A \\\"quoted\\\" name\" <ada@example.org>", MailAddress(name: "A \"quoted\" name", address: "ada@example.org")),
    ])
    func readsFromAddresses(_ raw: String, _ expected: MailAddress) {
        #expect(MailAddress.parse(raw) == expected)
    }

    @Test(arguments: ["Ada Lovelace", "undisclosed-recipients:;", "<>", ""])
    func aFromWithoutAddressHasNone(_ raw: String) {
        #expect(MailAddress.parse(raw) == nil)
    }

    @Test func decodesQuotedPrintableWithSoftBreaks() throws {
        let message = try MailMessage.parse(mail([
            "From: a@example.org", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
            "Das ist gr=C3=B6=C3=9Fer: https://arxiv.org/abs/20=", "02.09405 und eine sehr lange Zeile, die umbr=  ", "ochen wurde.",
        ]))
        #expect(message.text == "Das ist größer: https://arxiv.org/abs/2002.09405 und eine sehr lange Zeile, die umbrochen wurde.")
        #expect(MailLinks.find(in: message.text) == [.arXiv("2002.09405")])
    }

    @Test func decodesBase64Bodies() throws {
        // "Lies das: arXiv:1706.03762 — bitte!\n"
        let message = try MailMessage.parse(mail([
            "From: a@example.org", "Content-Type: text/plain; charset=\"UTF-8\"", "Content-Transfer-Encoding: BASE64", "",
            "TGllcyBkYXM6IGFyWGl2OjE3MDYuMDM3", "NjIg4oCUIGJpdHRlIQo=",
        ]))
        #expect(message.text == "Lies das: arXiv:1706.03762 — bitte!\n")
    }

    @Test func decodesLatin1Bodies() throws {
        var bytes = mail(["From: a@example.org", "Content-Type: text/plain; charset=ISO-8859-1", "", "Gr"])
        bytes += [0xFC, 0xDF, 0x65, 0x20, 0x80]
        #expect(try MailMessage.parse(bytes).text == "Grüße €")
        let qp = mail([
            "From: a@example.org", "Content-Type: text/plain; charset=latin1", "Content-Transfer-Encoding: quoted-printable", "",
            "Gr=FC=DFe",
        ])
        #expect(try MailMessage.parse(qp).text == "Grüße")
    }

    static let nested = mail([
        "From: \"Grace Hopper\" <grace@example.org>", "Subject: Two papers", "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"outer\"", "", "This is a multi-part message in MIME format.",
        "--outer",
        "Content-Type: multipart/alternative; boundary=inner", "",
        "--inner", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
        "Plain: arXiv:2002.09405 and doi:10.1126/science.adi2336.", "",
        "--inner", "Content-Type: text/html; charset=utf-8", "",
        "<p>HTML: <a href=\"https://arxiv.org/abs/9999.99999\">x</a></p>",
        "--inner--", "",
        "--outer", "Content-Type: text/plain; charset=utf-8", "Content-Disposition: inline", "",
        "Also https://openreview.net/forum?id=rJ4km2R5t7&noteId=1 (ICLR).",
        "--outer", "Content-Type: text/plain; name=notes.txt", "Content-Disposition: attachment; filename=notes.txt", "",
        "Attached: arXiv:1111.11111",
        "--outer", "Content-Type: image/png", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=",
        "--outer--", "epilogue arXiv:1212.12121",
    ])

    @Test func prefersPlainTextInNestedMultipartsAndSkipsAttachments() throws {
        let message = try MailMessage.parse(Self.nested)
        #expect(message.text.contains("Plain: arXiv:2002.09405"))
        #expect(!message.text.contains("HTML:"), "the plain alternative wins")
        #expect(!message.text.contains("1111.11111"), "attachments are not read")
        #expect(!message.text.contains("1212.12121"), "the epilogue is not a part")
        #expect(MailLinks.find(in: message.text) == [.arXiv("2002.09405"), .doi("10.1126/science.adi2336"), .openReview("rJ4km2R5t7")])
    }

    @Test func fallsBackToHTMLWithTagsStrippedAndLinkTargetsKept() throws {
        let message = try MailMessage.parse(mail([
            "From: a@example.org", "Content-Type: multipart/alternative; boundary=b", "",
            "--b", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
            "<html><head><style>p { color: red }</style><script>var x = 'arXiv:1111.11111';</script></head>",
            "<body><p>Read <a href=3D\"https://arxiv.org/abs/2002.09405v2\">this paper</a> &amp; <b>that</b>&nbsp;one: doi:10.1000/a&lt;b</p></body></html>",
            "--b--",
        ]))
        #expect(!message.text.contains("<") || message.text.contains("a<b"))
        #expect(!message.text.contains("color"))
        #expect(message.text.contains("Read  https://arxiv.org/abs/2002.09405v2 this paper & that one"))
        #expect(MailLinks.find(in: message.text) == [.arXiv("2002.09405"), .doi("10.1000/a")])
    }

    @Test func acceptsBareLineFeedsAndAnMboxFromLine() throws {
        let bytes = Array("From ada@example.org Mon Jan  1 00:00:00 2024\nFrom: ada@example.org\nSubject: hi\n\narXiv:2002.09405\n".utf8)
        let message = try MailMessage.parse(bytes)
        #expect(message.from?.address == "ada@example.org")
        #expect(message.text == "arXiv:2002.09405\n")
    }

    @Test(arguments: ["", "\r\n\r\njust a body", "no header here at all"])
    func somethingWithoutHeadersIsNotAMessage(_ text: String) {
        #expect(throws: MailError.notAMessage) { try MailMessage.parse(Array(text.utf8)) }
    }

    @Test func hostileNestingIsBounded() throws {
        var lines = ["From: a@example.org"]
        for depth in 0..<200 { lines += ["Content-Type: multipart/mixed; boundary=b\(depth)", "", "--b\(depth)"] }
        lines += ["Content-Type: text/plain", "", "arXiv:2002.09405"]
        let message = try MailMessage.parse(mail(lines))
        #expect(message.text.isEmpty)
    }
}

@Suite struct MailLinksTests {
    @Test(arguments: [
        ("https://arxiv.org/abs/2002.09405.", [PaperLink.arXiv("2002.09405")]),
        ("(see arXiv:2002.09405v3)", [.arXiv("2002.09405")]),
        ("http://arxiv.org/pdf/2002.09405v1.pdf, and", [.arXiv("2002.09405")]),
        ("https://www.arxiv.org/abs/hep-th/9901001;", [.arXiv("hep-th/9901001")]),
        ("ARXIV:1706.03762!", [.arXiv("1706.03762")]),
        ("<https://arxiv.org/abs/2002.09405/>", [.arXiv("2002.09405")]),
        ("https://doi.org/10.1126/SCIENCE.ADI2336.", [.doi("10.1126/science.adi2336")]),
        ("https://dx.doi.org/10.1002%2F2014MS000340)", [.doi("10.1002/2014ms000340")]),
        ("doi:10.1002/(SICI)1097-4636(199910)47:1<1::AID-JBM1>3.0.CO;2-#", [.doi("10.1002/(sici)1097-4636(199910)47:1")]),
        ("DOI: 10.1000/xyz", []),
        ("https://doi.org/10.48550/arXiv.2002.09405", [.arXiv("2002.09405")]),
        ("https://openreview.net/forum?id=rJ4km2R5t7.", [.openReview("rJ4km2R5t7")]),
        ("https://openreview.net/pdf?id=H1-x_Y9e", [.openReview("H1-x_Y9e")]),
        ("arxiv.org/abs/ and arXiv:notanid and doi:11.1/x", []),
        ("https://example.org/arxiv.html, doi.org/, openreview.net/forum?id=", []),
    ])
    func findsLinksWithoutTrailingPunctuation(_ text: String, _ expected: [PaperLink]) {
        #expect(MailLinks.find(in: text) == expected)
    }

    @Test func duplicatesWithinOneMessageCountOnce() {
        let text = """
            Abstract: https://arxiv.org/abs/2002.09405
            PDF: https://arxiv.org/pdf/2002.09405v2.pdf
            Cite as arXiv:2002.09405 or doi:10.48550/arXiv.2002.09405; also https://doi.org/10.1126/science.adi2336
            and again DOI:10.1126/Science.ADI2336, https://openreview.net/forum?id=abc and openreview.net/pdf?id=abc
            """
        #expect(MailLinks.find(in: text) == [.arXiv("2002.09405"), .doi("10.1126/science.adi2336"), .openReview("abc")])
    }

    @Test func linksAreInOrderOfFirstMention() {
        #expect(MailLinks.find(in: "doi:10.1000/b then arXiv:2002.09405") == [.doi("10.1000/b"), .arXiv("2002.09405")])
    }

    @Test func aLinkGivesPaperFieldsWithItsIdentity() {
        #expect(PaperLink.arXiv("2002.09405").paperFields == PaperFields(
            title: "arXiv:2002.09405", arxivID: "2002.09405", url: "https://arxiv.org/abs/2002.09405"))
        #expect(PaperLink.doi("10.1000/b").paperFields == PaperFields(title: "doi:10.1000/b", doi: "10.1000/b", url: "https://doi.org/10.1000/b"))
        #expect(PaperLink.openReview("abc").paperFields == PaperFields(title: "OpenReview:abc", url: "https://openreview.net/forum?id=abc"))
    }
}
