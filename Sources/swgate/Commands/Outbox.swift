import ArgumentParser

/// `swgate outbox …`: inspect and operate the durable outbox, also while a server runs.
struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect the outbox, replay failed or dead messages, purge delivered ones.",
        subcommands: [OutboxList.self, OutboxShow.self, OutboxReplay.self, OutboxPurge.self, OutboxStatsCommand.self]
    )
}
