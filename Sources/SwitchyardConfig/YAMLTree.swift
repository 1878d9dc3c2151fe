import SwitchyardCore
import Yams

/// YAML text → `ConfigNode`, through Yams' composer so every node keeps its source line.
///
/// Anchors and aliases work (Yams' composer substitutes the anchored node, so an alias reports
/// the anchor's lines). Merge keys (`<<: *base`) are expanded here, as YAML 1.1 defines them:
/// keys written in the mapping win over merged ones, and earlier merge sources win over later.
enum YAMLTree {
    private static let mergeKey = "<<"

    static func compose(_ yaml: String) throws(ConfigError) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw .syntax(line: 1, column: 1, problem: "\(error)")
        }
        guard let root else { return .null(line: 1) }
        return try convert(root)
    }

    private static func convert(_ node: Node) throws(ConfigError) -> ConfigNode {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            return node.null != nil ? .null(line: line) : .scalar(scalar.string, line: line)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence { items.append(try convert(item)) }
            return .sequence(items, line: line)
        case .mapping(let mapping):
            return try convert(mapping)
        case .alias:
            // The composer resolves aliases itself; an unresolved one means an undefined anchor.
            throw .syntax(line: line, column: node.mark?.column ?? 0, problem: "unresolved alias")
        }
    }

    private static func convert(_ mapping: Node.Mapping) throws(ConfigError) -> ConfigNode {
        var entries: [(key: String, value: ConfigNode, line: Int)] = []
        var merged: [(key: String, value: ConfigNode, line: Int)] = []
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            guard case .scalar(let key) = keyNode else {
                throw .syntax(line: line, column: keyNode.mark?.column ?? 0, problem: "a key must be a plain string")
            }
            if key.string == mergeKey, key.style == .plain {
                merged += try mergeSources(valueNode, line: line)
            } else {
                entries.append((key.string, try convert(valueNode), line))
            }
        }
        var seen = Set(entries.map(\.key))
        for entry in merged where !seen.contains(entry.key) {
            seen.insert(entry.key)
            entries.append(entry)
        }
        return .mapping(entries)
    }

    /// The entries a merge key brings in: one mapping or a list of mappings, in priority order.
    private static func mergeSources(_ node: Node, line: Int) throws(ConfigError) -> [(key: String, value: ConfigNode, line: Int)] {
        let sources: [Node] = if case .sequence(let sequence) = node { Array(sequence) } else { [node] }
        var result: [(key: String, value: ConfigNode, line: Int)] = []
        for source in sources {
            guard case .mapping(let entries) = try convert(source) else {
                throw .syntax(line: line, column: 1, problem: "a merge key (<<) needs a mapping or a list of mappings")
            }
            result += entries
        }
        return result
    }

    private static func syntaxError(_ error: YamlError) -> ConfigError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text) (line \($0.mark.line)), \(problem)" } ?? problem
            return .syntax(line: mark.line, column: mark.column, problem: detail)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            return .syntax(line: context.mark.line, column: context.mark.column, problem: "duplicate key \(keys)")
        case let .reader(problem, offset, _, yaml):
            // The reader reports a character offset (e.g. a control character): turn it into a line.
            let lines = yaml.prefix(offset ?? 0).split(separator: "\n", omittingEmptySubsequences: false)
            let (line, column) = (lines.count, (lines.last?.count ?? 0) + 1)
            return .syntax(line: line, column: column, problem: problem)
        default:
            return .syntax(line: 1, column: 1, problem: "\(error)")
        }
    }
}
