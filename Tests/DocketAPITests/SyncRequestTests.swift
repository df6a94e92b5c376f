import DocketAPI
import DocketCore
import Foundation
import Testing

@Suite struct SyncRequestTests {
    let client = "0193f1c2-0000-7000-8000-0000000000aa"

    @Test func readsAPushWithItsMutations() throws {
        let body = try JSONParser.parse(
            #"{"protocol":1,"clientID":"\#(client)","mutations":[{"id":1,"name":"ballot.set","at":"2026-11-25T10:00:05.000Z","args":{}}]}"#)
        let push = try PushRequest.parse(body)
        #expect(push.clientID.rawValue == client)
        #expect(push.mutations.first?.at?.rfc3339 == "2026-11-25T10:00:05.000Z")
    }

    @Test(arguments: [
        (#"{"clientID":"C","mutations":[]}"#, "bad_request"),
        (#"{"protocol":2,"clientID":"C","mutations":[]}"#, "unsupported_protocol"),
        (#"{"protocol":1,"clientID":"not-a-uuid","mutations":[]}"#, "bad_request"),
        (#"{"protocol":1,"clientID":"C","mutations":[{"id":0,"name":"x","args":{}}]}"#, "bad_request"),
        (#"{"protocol":1,"clientID":"C","mutations":[{"id":1,"args":{}}]}"#, "bad_request"),
        (#"{"protocol":1,"clientID":"C","mutations":[{"id":1,"name":"x"}]}"#, "bad_request"),
        (#"{"protocol":1,"clientID":"C","mutations":[{"id":1.5,"name":"x","args":{}}]}"#, "bad_request"),
        (#"{"protocol":1,"clientID":"C","mutations":{}}"#, "bad_request"),
        (#"[1]"#, "bad_request"),
    ])
    func rejectsMalformedPushes(_ text: String, _ code: String) throws {
        let body = try JSONParser.parse(text.replacingOccurrences(of: "\"C\"", with: "\"\(client)\""))
        #expect(throws: Problem.self) { try PushRequest.parse(body) }
        do {
            _ = try PushRequest.parse(body)
        } catch {
            #expect((error as? Problem)?.code.rawValue == code)
        }
    }

    @Test func refusesMoreThanAThousandMutations() throws {
        let one = #"{"id":1,"name":"x","args":{}}"#
        let text = #"{"protocol":1,"clientID":"\#(client)","mutations":[\#(Array(repeating: one, count: 1001).joined(separator: ","))]}"#
        do {
            _ = try PushRequest.parse(try JSONParser.parse(text))
            Issue.record("accepted 1,001 mutations")
        } catch {
            #expect((error as? Problem)?.code == .payloadTooLarge)
        }
    }

    @Test func pullClampsNothingButRejectsWrongTypes() throws {
        let ok = try PullRequest.parse(try JSONParser.parse(#"{"protocol":1,"clientID":"\#(client)","cursor":null,"limit":9000}"#))
        #expect(ok.limit == 9000 && ok.cursor == nil)
        #expect(throws: Problem.self) {
            try PullRequest.parse(try JSONParser.parse(#"{"protocol":1,"clientID":"\#(client)","limit":"5"}"#))
        }
        #expect(throws: Problem.self) {
            try PullRequest.parse(try JSONParser.parse(#"{"protocol":1,"clientID":"\#(client)","cursor":5}"#))
        }
    }
}
