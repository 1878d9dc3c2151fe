/// Where one worker generation stands (SPEC §2, `workers list`).
///
/// starting → standby (has its pool, not accepting) → ready (accepting) → draining (told to
/// stop; finishing what it began) → gone. A generation that exits unexpectedly leaves its
/// provider `crashed` until the restart backoff has passed and a new generation starts.
public enum WorkerState: String, Codable, Sendable, CaseIterable {
    case starting, standby, ready, draining, crashed
}
