import ArgumentParser

/// `docket client ...`: the offline client. Every command but login, redeem and sync works without a network.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "The offline client: propose, rank and volunteer offline, then sync.",
        discussion: """
            Local state is one SQLite file, client.db, under --home (default: $DOCKET_HOME, else ~/.docket), \
            readable only by its owner. Mutations are queued there and shown at once; `sync` sends them \
            and brings the server's state.
            """,
        subcommands: [
            ClientLogin.self, ClientRedeem.self, ClientSuggest.self, ClientRank.self, ClientVolunteer.self, ClientList.self,
            ClientStatus.self, ClientSync.self,
        ])
}
