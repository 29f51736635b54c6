/// The dashboard's HTML.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>agent-server</title>
        <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
        <header>
          <h1>agent-server</h1>
          <span id="connection" class="badge">connecting…</span>
          <label class="toggle"><input type="checkbox" id="live" checked> live updates</label>
          <span id="pending" class="muted"></span>
          <span id="who" class="muted"></span>
        </header>
        <section id="login" hidden>
          <h2>Sign in</h2>
          <p>This server requires a bearer token.</p>
          <form id="login-form"><input type="password" id="token" placeholder="token" autocomplete="off" size="40">
          <button type="submit">Use token</button></form>
          <p id="login-error" class="error"></p>
        </section>
        <main id="app" hidden>
          <section>
            <h2>Agents</h2>
            <table id="agents"><thead><tr><th>Agent</th><th>State</th><th>Last</th><th>Success</th><th>p95</th>
              <th>Streak</th><th>Next fire</th><th>Recent runs</th><th class="operate">Actions</th></tr></thead>
              <tbody></tbody></table>
          </section>
          <section id="approvals-section">
            <h2>Approvals <span id="approvals-count" class="muted"></span></h2>
            <table id="approvals"><thead><tr><th>Run</th><th>Agent</th><th>Outputs</th><th>Requested</th>
              <th>Deadline</th><th>Approvers</th><th class="approve">Decision</th></tr></thead><tbody></tbody></table>
            <p id="approvals-empty" class="muted">No run awaits approval.</p>
            <form id="decision" hidden>
              <strong id="decision-title"></strong>
              <label>Approver <input id="decision-approver" required maxlength="200" autocomplete="username"></label>
              <label>Comment <input id="decision-comment" maxlength="2000" size="40" placeholder="optional"></label>
              <button type="submit" id="decision-confirm">Confirm</button>
              <button type="button" id="decision-cancel">Cancel</button>
              <span id="decision-error" class="error"></span>
            </form>
          </section>
          <section>
            <h2>Runs</h2>
            <form id="filters">
              <label>Agent <select id="filter-agent"><option value="">all</option></select></label>
              <label>Status <select id="filter-status"><option value="">all</option></select></label>
              <label>Since <input type="datetime-local" id="filter-since"></label>
              <button type="submit">Apply</button>
              <a id="csv" href="#">CSV</a>
            </form>
            <table id="runs"><thead><tr><th>Run</th><th>Agent</th><th>Status</th><th>Trigger</th><th>Attempt</th>
              <th>Queued</th><th>Duration</th><th>Summary</th></tr></thead><tbody></tbody></table>
            <div class="pager"><button id="newest">Newest</button><button id="older">Older →</button>
              <span id="page-info" class="muted"></span></div>
          </section>
          <section id="detail" hidden>
            <h2>Run <span id="detail-id"></span> <button id="detail-close">Close</button>
              <button id="detail-cancel" class="operate">Cancel run</button></h2>
            <dl id="detail-fields"></dl>
            <h3>Attempts</h3>
            <ul id="detail-attempts"></ul>
            <h3>Log tail <select id="detail-stream"><option>stdout</option><option>stderr</option></select></h3>
            <pre id="detail-log"></pre>
          </section>
          <section>
            <h2>Events</h2>
            <ol id="events"></ol>
          </section>
        </main>
        <script src="/dashboard.js"></script>
        </body>
        </html>
        """#
}
