/// The dashboard's style sheet.
enum DashboardStyle {
    static let css = #"""
        :root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1f2328; }
        header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
        header h1 { font-size: 1.1rem; margin: 0; }
        main, #login { padding: 0 1rem 2rem; }
        section { margin-top: 1.2rem; }
        h2 { font-size: 1rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
        td.summary { white-space: normal; max-width: 30rem; }
        tr.clickable { cursor: pointer; } tr.clickable:hover { background: #f6f8fa; }
        .badge { padding: .1rem .5rem; border-radius: 1rem; background: #eaeef2; }
        .badge.live { background: #dafbe1; } .badge.down { background: #ffebe9; }
        .status-succeeded, .status-noOp, .state-ok { color: var(--ok); }
        .status-failed, .status-timedOut, .status-abandoned, .state-failing { color: var(--bad); }
        .status-running, .status-queued, .state-paused { color: var(--warn); }
        .muted { color: var(--muted); } .error { color: var(--bad); }
        .spark { vertical-align: middle; }
        .spark rect { fill: var(--muted); cursor: pointer; } .spark rect.ok { fill: var(--ok); }
        .spark rect.bad { fill: var(--bad); } .spark rect.wait { fill: var(--warn); } .spark rect.skip { fill: #afb8c1; }
        .status-rejected, .status-cancelled, .status-skipped { color: var(--muted); }
        .status-awaitingApproval { color: var(--warn); }
        #decision { display: flex; gap: .6rem; align-items: center; margin-top: .5rem; padding: .5rem; background: #f6f8fa; }
        pre { background: #f6f8fa; padding: .5rem; max-height: 20rem; overflow: auto; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
        dt { color: var(--muted); } dd { margin: 0; }
        #events { max-height: 12rem; overflow: auto; font-family: ui-monospace, monospace; font-size: 12px; }
        .pager { margin-top: .5rem; display: flex; gap: .5rem; align-items: center; }
        button { cursor: pointer; }
        [hidden] { display: none !important; }
        """#
}
