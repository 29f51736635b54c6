import Foundation

/// Renders rows as aligned columns for people (the CLI's `--json`/`--csv` outputs are for programs).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// The longest a cell may be before it is cut with `…`.
    var maximumCellWidth = 60

    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let clipped = ([headers] + rows).map { row in
            row.map { cell in
                let flat = cell.replacingOccurrences(of: "\n", with: " ")
                return flat.count > maximumCellWidth ? String(flat.prefix(maximumCellWidth - 1)) + "…" : flat
            }
        }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in clipped {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        return clipped.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
