/// The supervisor's side of a worker's `outcome` report (SPEC §4, §6.4): the worker classified
/// the whole upstream answer and sends only the code its decision rests on
/// (`FailureClassifier.classifyNamingCode`), that decision's message and, for a 429, when the
/// cooldown it computed ends. Classifying that code and status again must come to the same
/// decision — an overloaded 429 retries elsewhere, it never cools the account — and the message,
/// already the classifier's sanitized text, is kept as it came instead of described twice.
public enum ReportedDecision {
    public static func decide(
        provider: Provider, status: Int?, code: String?, message: String?, resetsAt: Int64?, model: String?, now: Int64
    ) -> Decision {
        let fields = ErrorFields(codes: code.map { [$0.lowercased()] } ?? [], message: message)
        var decision = FailureClassifier.classify(source: .api, provider: provider, status: status, fields: fields, now: now)
        if let message, !message.isEmpty { decision = decision.replacingMessage(message) }
        if case .cooldown(let until, let reason, _) = decision {
            return .cooldown(until: resetsAt ?? until, reason: reason, model: model)
        }
        return decision
    }
}
