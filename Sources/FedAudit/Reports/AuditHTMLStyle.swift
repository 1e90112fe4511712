/// The report page's stylesheet: readable from a 320 px phone to print. Long words (64-hex keys, hashes) wrap
/// anywhere; charts scale to the page width; below 760 px labels stack above their text;
/// print uses A4 with the sign-off block kept whole. Numbers in the rounds table never break; below 1060 px the
/// table becomes one labelled card per round.
enum AuditHTMLStyle {
    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2430;
          background: #fff; line-height: 1.45; overflow-wrap: anywhere; }
        main { max-width: 1100px; margin: 0 auto; padding: 1.5em 1.25em 3em; }
        h1 { font-size: 1.6em; margin: 0 0 0.3em; }
        h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #d8dde6; padding-bottom: 0.2em; }
        .meta { color: #4a5568; margin: 0 0 1em; }
        .verdict { font-weight: 700; padding: 0.6em 0.9em; border-radius: 6px; border: 1px solid; }
        .verdict.valid { color: #0f5c2a; background: #e9f7ee; border-color: #9fd8b2; }
        .verdict.broken { color: #8a1c12; background: #fdecea; border-color: #f2a79f; }
        dl.statement { display: grid; grid-template-columns: minmax(8em, 12em) 1fr; gap: 0.45em 1em; margin: 0; }
        dl.statement dt { font-weight: 600; color: #2d3748; }
        dl.statement dd { margin: 0; min-width: 0; }
        ul.checks { list-style: none; padding: 0; margin: 0; }
        ul.checks li { display: grid; grid-template-columns: 15em 1fr; gap: 0.8em; padding: 0.3em 0;
          border-bottom: 1px solid #eef0f4; }
        .status { font-weight: 700; }
        .held .status { color: #0f5c2a; } .failed .status { color: #8a1c12; } .skipped .status { color: #7a5b00; }
        ul.problems li { color: #8a1c12; margin: 0.2em 0; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
        figure { margin: 0.5em 0 1em; }
        figcaption { color: #4a5568; font-size: 0.92em; }
        svg.chart { display: block; width: 100%; max-width: 600px; height: auto; }
        svg.chart text { font-size: 12px; fill: #2d3748; font-family: system-ui, sans-serif; }
        svg.chart .title { font-weight: 600; }
        .grid { stroke: #e6e9ef; stroke-width: 1; } .axis { stroke: #4a5568; stroke-width: 1; }
        .budget { stroke: #b42318; stroke-width: 1.5; stroke-dasharray: 6 4; } .budget-label { fill: #b42318; }
        .eps { fill: none; stroke: #1f5fbf; stroke-width: 2; } .eps-point { fill: #1f5fbf; }
        .bar { fill: #5b8fd6; } .cohort { fill: none; stroke: #9aa5b5; stroke-dasharray: 3 2; }
        .floor { stroke: #7a5b00; stroke-width: 1.5; stroke-dasharray: 4 3; } .floor-label { fill: #7a5b00; }
        table.rounds { border-collapse: collapse; margin: 0.5em 0; font-size: 0.86em; width: 100%; }
        table.rounds th, table.rounds td { border: 1px solid #d8dde6; padding: 0.25em 0.45em; text-align: right;
          vertical-align: top; }
        table.rounds th { background: #f3f5f8; font-weight: 600; }
        table.rounds { overflow-wrap: normal; }
        table.rounds td { white-space: nowrap; }
        table.rounds td.text, table.rounds th.text { text-align: left; white-space: normal; }
        table.rounds td.wide { min-width: 11em; }
        .legend { color: #4a5568; font-size: 0.88em; }
        .signoff dl { display: grid; grid-template-columns: 8em 1fr; gap: 1.6em 1em; margin: 1em 0 0; }
        .signoff dd { margin: 0; border-bottom: 1px solid #4a5568; min-height: 1.4em; }
        @media (max-width: 760px) {
          main { padding: 1em 0.75em 2em; }
          dl.statement { grid-template-columns: 1fr; gap: 0.1em; }
          dl.statement dd { margin-bottom: 0.6em; }
          ul.checks li { grid-template-columns: 1fr; gap: 0; }
        }
        @media (max-width: 1060px) {
          table.rounds, table.rounds tbody, table.rounds tr, table.rounds td { display: block; width: 100%; }
          table.rounds thead { display: none; }
          table.rounds tr { border: 1px solid #d8dde6; border-radius: 6px; margin: 0 0 0.8em; padding: 0.3em 0; }
          table.rounds td { border: none; display: grid; grid-template-columns: 10.5em 1fr; gap: 0.6em;
            text-align: left; padding: 0.15em 0.6em; white-space: normal; }
          table.rounds td::before { content: attr(data-label); font-weight: 600; color: #4a5568; }
        }
        @media print {
          @page { size: A4; margin: 14mm; }
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          section, figure, tr, .signoff { break-inside: avoid; }
          table.rounds { font-size: 7.5pt; }
          .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
