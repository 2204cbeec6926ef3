import ArgumentParser
struct Validate: AsyncParsableCommand {
    @Argument var files: [String]
    func run() async throws {}
}
