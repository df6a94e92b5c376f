import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML document read with Foundation's parser into a small tree of elements; parsing fails on malformed XML.
///
/// Names are as written (no namespace processing), so a default namespace shows as an `xmlns` attribute.
public enum XMLTree {
    /// One element: its name, attributes, own character data and child elements.
    public final class Node {
        public let name: String
        public let attributes: [String: String]
        /// The character data directly inside this element, entities resolved; its children's is not included.
        public fileprivate(set) var text = ""
        public fileprivate(set) var children: [Node] = []

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        /// The first child element called `name`.
        public func child(_ name: String) -> Node? { children.first { $0.name == name } }

        /// The child elements called `name`, in document order.
        public func children(_ name: String) -> [Node] { children.filter { $0.name == name } }
    }

    /// A document the parser rejected; `reason` is its error.
    public struct Malformed: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The document element of `text`.
    public static func parse(_ text: String) throws -> Node {
        let parser = XMLParser(data: Data(text.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw Malformed(reason: parser.parserError.map { "\($0)" } ?? "no document element")
        }
        return root
    }
}

/// The parser's delegate: keeps the open elements on a stack and hangs each closed one on its parent.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLTree.Node] = []
    private(set) var root: XMLTree.Node?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(XMLTree.Node(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = stack.popLast() else { return }
        if let parent = stack.last { parent.children.append(node) } else { root = node }
    }
}
