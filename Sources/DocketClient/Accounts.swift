public import DocketCore
import Foundation

/// `POST /v1/auth/redeem` (PROTOCOL section 7): an invitation code for a new member's first token.
public enum Accounts {
    /// Redeems `code` as `name` on `device`; returns the new person and their token.
    public static func redeem(code: String, name: String, device: String, exchanger: any HTTPExchanger) async throws -> (personID: PersonID, token: String) {
        let body: JSONValue = ["code": .string(code), "name": .string(name), "device": .string(device)]
        let request = HTTPRequestData(
            method: "POST", path: "/v1/auth/redeem",
            headers: [("Content-Type", "application/json"), ("X-Request-ID", LiveTransport.newRequestID())], body: Array(body.jsonString.utf8))
        let answer: HTTPResponseData
        do {
            answer = try await exchanger.send(request)
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError.unreachable("POST /v1/auth/redeem: \(error)")
        }
        let json = try? JSONParser.parse(answer.body)
        guard (200..<300).contains(answer.status) else {
            throw ReplicaError("the server refused the code (\(answer.status)): \(json?["detail"]?.stringValue ?? json?["code"]?.stringValue ?? "no detail")")
        }
        guard case .string(let person)? = json?["personID"], let personID = PersonID(person), case .string(let token)? = json?["token"] else {
            throw ReplicaError("the server's answer to redeem has no personID and token")
        }
        return (personID, token)
    }
}

/// Finds suggestions by the id or a unique prefix of it, as a user types them.
public enum SuggestionLookup {
    /// The one id among `ids` equal to `text` or starting with it (at least 4 characters).
    public static func resolve(_ text: String, among ids: [String]) throws -> String {
        let wanted = text.lowercased()
        if ids.contains(wanted) { return wanted }
        guard wanted.count >= 4 else { throw ReplicaError("'\(text)' is too short to name a suggestion (give at least 4 characters of its id)") }
        let matches = ids.filter { $0.hasPrefix(wanted) }
        guard let first = matches.first else { throw ReplicaError("no suggestion of this series has an id starting with '\(text)'") }
        guard matches.count == 1 else { throw ReplicaError("'\(text)' names \(matches.count) suggestions; give more of the id") }
        return first
    }

    /// A ranking from arguments, most preferred first; `A,B` is a tie group. No id may appear twice.
    public static func ranking(_ arguments: [String], among ids: [String]) throws -> [[String]] {
        var seen: Set<String> = []
        return try arguments.map { argument in
            let parts = argument.split(separator: ",", omittingEmptySubsequences: true).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard !parts.isEmpty else { throw ReplicaError("an empty tie group in the ranking") }
            return try parts.map { part in
                let id = try resolve(part, among: ids)
                guard seen.insert(id).inserted else { throw ReplicaError("suggestion \(id.prefix(8)) appears twice in the ranking") }
                return id
            }
        }
    }
}
