public import AsyncHTTPClient
public import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One POST to a partner and its whole answer, under one deadline: connecting, sending, the
/// answer's head and its body all count against `timeout`.
///
/// It goes through AsyncHTTPClient's event-loop API with a response accumulator, which collects
/// the body on the connection's event loop and completes once: the calling task is resumed once
/// per exchange, and the deadline is cancelled on the loop that completes the request. (Its async
/// API resumed the caller for the head and again for the body, scheduled and cancelled its
/// deadline timer from the caller's thread, waking an event loop each time, and its deadline
/// ended at the head, leaving a body that stops coming to the client's 90-second read timeout.)
/// Cancelling the calling task cancels the request.
package enum HTTPExchange {
    package static func post(
        client: HTTPClient, url: String, headers: [(String, String)], body: some RandomAccessCollection<UInt8> & Sendable,
        timeout: Duration, maximumAnswerBytes: Int
    ) async -> Result<HTTPAnswer, DeliveryFailure> {
        let request: HTTPClient.Request
        do {
            var fields = HTTPHeaders()
            for (name, value) in headers { fields.add(name: name, value: value) }
            request = try HTTPClient.Request(url: url, method: .POST, headers: fields, body: .bytes(body))
        } catch {
            return .failure(DeliveryFailure(.connection, "\(url): \(error)"))
        }
        let exchange = client.execute(
            request: request, delegate: ResponseAccumulator(request: request, maxBodySize: maximumAnswerBytes), eventLoop: .indifferent,
            deadline: .now() + .milliseconds(timeout.wholeMilliseconds), logger: nil)
        do {
            let response = try await withTaskCancellationHandler {
                try await exchange.futureResult.get()
            } onCancel: {
                exchange.cancel()
            }
            return .success(
                HTTPAnswer(
                    status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                    body: response.body.map { Data($0.readableBytesView) } ?? Data(), location: response.headers.first(name: "Location")))
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout || error == .writeTimeout
        {
            return .failure(DeliveryFailure(.timeout, "no answer from \(url) within \(timeout): \(error)"))
        } catch let error as IOError {
            // NIO describes a refused connect as "connection reset (error set): Connection refused)
            // (errno: 111)": the operator reading the attempt needs only what the system said.
            return .failure(DeliveryFailure(.connection, "\(url): \(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"))
        } catch {
            return .failure(DeliveryFailure(.connection, "\(url): \(error)"))
        }
    }
}

extension Duration {
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
