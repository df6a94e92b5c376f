import ArgumentParser
import DocketClient
import DocketCore
import Foundation

/// `docket client login`: remembers the server and a token (never printed again).
struct ClientLogin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Use this server and token from now on.")

    @OptionGroup var home: ClientHome
    @Option(help: "The server's URL, e.g. http://127.0.0.1:8080.") var server: String
    @Option(help: "A token (dkt_...) from `docket token issue` or `redeem`.") var token: String
    @Option(help: "Your person id, when known (the first sync learns it otherwise).") var person: String?

    func run() throws {
        let url = try parseServer(server)
        guard token.hasPrefix("dkt_"), token.count < 200, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ValidationError("--token must be a Docket token (dkt_...)")
        }
        var personID: PersonID?
        if let person {
            guard let id = PersonID(person) else { throw ValidationError("--person must be a lowercase UUID") }
            personID = id
        }
        let replica = try home.replica()
        try replica.login(serverURL: url.description, token: token, personID: personID, newClientID: ClientClock.newClientID)
        print("logged in to \(url)")
    }
}

/// `docket client redeem`: turns an invitation code into an account and logs in with it.
struct ClientRedeem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redeem", abstract: "Redeem an invitation code and log in.")

    @OptionGroup var home: ClientHome
    @Option(help: "The server's URL.") var server: String
    @Option(help: "The invitation code.") var code: String
    @Option(help: "Your name as others will see it.") var name: String
    @Option(help: "A name for this device.") var device = "docket client"

    func run() async throws {
        let url = try parseServer(server)
        let replica = try home.replica()
        let (personID, token) = try await Accounts.redeem(code: code, name: name, device: device, exchanger: NIOExchanger(server: url))
        try replica.login(serverURL: url.description, token: token, personID: personID, newClientID: ClientClock.newClientID)
        print("logged in to \(url) as \(personID)")
    }
}
