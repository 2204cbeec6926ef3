import Foundation
import SWGateTesting

/// A plain HTTP/1.1 GET on 127.0.0.1 with a bounded wait; the raw answer (status line, headers,
/// body), or nil when nothing answers.
func httpGet(port: Int, path: String, seconds: Int = 10) async throws -> String? {
    try await httpRequest(port: port, "GET", path, seconds: seconds)
}

/// One HTTP/1.1 request on a fresh loopback connection; the whole answer as text, nil when none came.
/// The blocking socket is read on a thread of its own, not on the tasks' pool.
func httpRequest(
    port: Int, _ method: String, _ path: String, headers: [String] = [], body: [UInt8] = [], seconds: Int = 10
) async throws -> String? {
    try await onOwnThread { blockingRequest(port: port, method, path, headers: headers, body: body, seconds: seconds) }
}

private func blockingRequest(port: Int, _ method: String, _ path: String, headers: [String], body: [UInt8], seconds: Int) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let fields = (headers + (body.isEmpty ? [] : ["Content-Length: \(body.count)"])).map { $0 + "\r\n" }.joined()
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\(fields)\r\n".utf8) + body
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        answer += buffer[0..<count]
    }
    return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
}
