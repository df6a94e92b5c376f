@testable import DocketWeb
import Testing

/// User Markdown becomes HTML through Ink and an allow-list: formatting survives, scripts never do.
@Suite struct MarkdownTests {
    @Test func formattingListsAndLinksSurvive() {
        #expect(Markdown.html("We discuss *physics* and **more**.") == "<p>We discuss <em>physics</em> and <strong>more</strong>.</p>")
        #expect(Markdown.html("- one\n- two") == "<ul><li>one</li><li>two</li></ul>")
        #expect(Markdown.html("[paper](https://arxiv.org/abs/2002.09405)") == #"<p><a href="https://arxiv.org/abs/2002.09405">paper</a></p>"#)
        #expect(Markdown.html("[anchor](#episode-5) and [page](/series/ml)").contains(##"<a href="#episode-5">anchor</a>"##))
        #expect(Markdown.html("`code < 1`") == "<p><code>code &lt; 1</code></p>")
    }

    @Test func autolinksBecomeLinksWithTheirUnderscoresIntact() {
        #expect(Markdown.html("See <https://example.org/a_b_c>.") == #"<p>See <a href="https://example.org/a_b_c">https://example.org/a&#95;b&#95;c</a>.</p>"#)
        #expect(Markdown.html("[1] Stengel et al., [Online]. Available: <https://www.pnas.org/x>")
            == #"<p>&#91;1] Stengel et al., &#91;Online]. Available: <a href="https://www.pnas.org/x">https://www.pnas.org/x</a></p>"#)
    }

    @Test func rawHTMLShowsAsTextAndEntitiesStay() {
        #expect(Markdown.html("Use <script>x</script> here") == "<p>Use &lt;script&gt;x&lt;/script&gt; here</p>")
        #expect(Markdown.html("Not a link: <notaurl>") == "<p>Not a link: &lt;notaurl&gt;</p>")
        #expect(Markdown.html("an & sign, &amp; an entity, &#91;") == "<p>an &amp; sign, &amp; an entity, &#91;</p>")
        #expect(Markdown.html("# Big heading") == "<h4>Big heading</h4>")
        #expect(Markdown.html("```\n<b>[x</b>\n```") == "<pre><code>&lt;b&gt;[x&lt;/b&gt;\n</code></pre>")
    }

    @Test(arguments: [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"https://ok.example/i.png\" onerror=\"alert(1)\">",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&colon;alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](\" onmouseover=\"alert(1))",
        "![x](javascript:alert(1))",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<div onclick=\"alert(1)\">x</div>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<!-- <script>alert(1)</script> -->",
        "<a href=\"https://ok.example\" style=\"position:fixed\">x</a>",
        "</div></article></main><script>alert(1)</script>",
        "<p title='a\"b'>x</p>",
        "`</code><script>alert(1)</script>`",
    ])
    func nothingExecutableGetsThrough(markdown: String) {
        let html = Markdown.html(markdown)
        // Text may say anything once escaped; what matters is each tag the browser will see.
        let tags = html.split(separator: "<", omittingEmptySubsequences: false).dropFirst().map { "<" + $0.prefix { $0 != ">" }.lowercased() }
        for tag in tags {
            let name = tag.dropFirst().prefix { $0 != " " }
            #expect(["p", "/p", "a", "/a", "em", "/em", "code", "/code"].contains(String(name)), "\(markdown) gave \(html)")
            for bad in ["javascript:", "vbscript:", "data:", " on", "style="] {
                #expect(!tag.contains(bad), "\(markdown) gave \(html)")
            }
        }
    }

    @Test func theSanitizerKeepsOnlyAllowedTagsAndAttributes() {
        #expect(HTMLSanitizer.sanitize("<em>never closed") == "<em>never closed</em>")
        #expect(HTMLSanitizer.sanitize("<p>a</div></article>b</p>") == "<p>a&lt;/div&gt;&lt;/article&gt;b</p>")
        #expect(HTMLSanitizer.sanitize("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTMLSanitizer.sanitize("<a href=\"javascript:alert(1)\" onclick=\"x\">x</a>") == "<a>x</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>") == "<a>x</a>")
        #expect(HTMLSanitizer.sanitize("<a href='https://e.org/?a=1&amp;b=\"2'>x</a>") == #"<a href="https://e.org/?a=1&amp;b=&quot;2">x</a>"#)
        #expect(HTMLSanitizer.sanitize("<img src=\"https://e.org/i.png\" onerror=\"x\" alt=\"i\">") == #"<img src="https://e.org/i.png" alt="i">"#)
        #expect(HTMLSanitizer.sanitize("<img src=\"http://e.org/i.png\">").isEmpty)
        #expect(HTMLSanitizer.sanitize("a<!-- <script> -->b") == "ab")
        #expect(HTMLSanitizer.sanitize("a<!-- never closed <b>") == "a&lt;!-- never closed <b></b>")
        #expect(HTMLSanitizer.sanitize("<h1>T</h1><h3>U</h3>") == "<h4>T</h4><h6>U</h6>")
        #expect(HTMLSanitizer.sanitize("<ul><li>a<li>b</ul>") == "<ul><li>a<li>b</li></li></ul>")
        #expect(HTMLSanitizer.sanitize("x < y > z & w &amp; v") == "x &lt; y &gt; z &amp; w &amp; v")
    }

    /// Each shape at 20,000 characters (the longest abstract the schema allows) renders quickly: Ink alone
    /// takes exponential time on nested `[` and quadratic time on unclosed `<` and `&`.
    @Test(arguments: ["[", "[x", "![", "[x](", "[](", "[a][", "<", "<a ", "&", "&#", "`", "*", "**", "_", "~~", "|", "- ", "> ", "\n- ",
                      "\n1. ", "# ", "<!--", "<b>", "</b>", "(", "]", "\\[", "[<", "<http://"])
    func pathologicalInputsTakeLinearTime(unit: String) {
        let text = String(repeating: unit, count: 20_000 / unit.count)
        let elapsed = ContinuousClock().measure { _ = Markdown.html(text) }
        #expect(elapsed < .seconds(3), "\(unit.debugDescription) × \(20_000 / unit.count) took \(elapsed)")
    }

    @Test func oddInputsDoNotCrash() {
        for text in ["", "[", "[]", "[x]", "[x](", "<", "<a", "<a href=\"", "&#", "&#x110000;", "*", "**_", "`", "```", "|a|\n|-|", "---",
                     "- [x](y", "\r\n\r\n", "<!--", "<https://", "[x]:", "  [x]: https://e.org\n[y][x]"] {
            _ = Markdown.html(text)
        }
    }
}
