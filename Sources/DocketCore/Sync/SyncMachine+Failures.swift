extension SyncMachine {
    /// An error status: stop on what retrying cannot fix, retry (with backoff or Retry-After) what it can.
    mutating func httpFailed(_ failure: HTTPFailure) -> [SyncAction] {
        guard let step = currentStep else { return [] }
        let detail = failure.detail ?? failure.code ?? "HTTP \(failure.status)"
        switch failure.status {
        case 401:
            return stop(SyncStopError(.unauthenticated, detail))
        case 403:
            return stop(SyncStopError(.forbidden, detail))
        case 413:
            if case .pushing(let batch) = state, batch.count > 1 {
                batchLimit = max(1, batch.count / 2)
                return sendPush()
            }
        case 400:
            if case .pull(let cursor, _, _) = step, cursor != nil, !droppedCursor, failure.code == "bad_request" {
                // A cursor this server never issued: start over rather than stall (the pull replaces the replica).
                droppedCursor = true
                return sendPull(nil, pages: 0, resetting: false)
            }
        case 408, 429, 500...599:
            return failed("HTTP \(failure.status): \(detail)", retryAfter: failure.retryAfterMilliseconds)
        default:
            break
        }
        return stop(SyncStopError(.refused(status: failure.status, code: failure.code), detail))
    }

    /// A failed request: wait and retry the same step, or stop once `maxAttempts` failures ran in a row.
    mutating func failed(_ message: String, retryAfter: Int64?) -> [SyncAction] {
        guard let step = currentStep else { return [] }
        failures += 1
        if let limit = settings.maxAttempts, failures >= limit {
            return stop(SyncStopError(.unreachable, "\(message) (\(failures) attempts)"))
        }
        let delay: Int64
        if let retryAfter {
            delay = min(max(0, retryAfter), settings.maxRetryAfterMilliseconds)
        } else {
            delay = settings.backoff(attempt: failures, random: &random)
        }
        state = .backingOff(retry: step, attempt: failures)
        return [.wait(milliseconds: delay)]
    }
}
