/// The gateway's version, in one place: `swgate --version` prints it and `swgate serve` names it
/// when it starts.
public enum GatewayVersion {
    public static let current = "0.9.0"
}
