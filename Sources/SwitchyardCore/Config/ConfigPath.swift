/// Path arithmetic for configuration paths, done on the text alone.
///
/// Lexical on purpose: resolving symlinks or asking the file system would make the result depend
/// on what exists at parse time (a state-dir is often created only by `start`), and would make
/// the pure config model do I/O.
public enum ConfigPath {
    /// `path` made absolute against `directory` (unless already absolute), with `.`, `..` and
    /// repeated slashes removed. `directory` should itself be absolute; `..` never climbs above `/`.
    public static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return normalize(joined)
    }

    /// `/a/./b/../c//d/` → `/a/c/d`. A relative input stays relative (leading `..` kept).
    public static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(component)
                }
            default:
                parts.append(component)
            }
        }
        let body = parts.joined(separator: "/")
        if isAbsolute { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// The folder holding `path` (`/etc/switchyard.yaml` → `/etc`; `/x` → `/`).
    public static func directory(of path: String) -> String {
        let normalized = normalize(path)
        guard let slash = normalized.lastIndex(of: "/") else { return "." }
        let folder = normalized[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }
}
