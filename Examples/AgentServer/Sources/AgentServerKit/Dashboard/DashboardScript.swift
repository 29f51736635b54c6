/// The dashboard's script: plain JavaScript, no build step.
enum DashboardScript {
    static let javascript = #"""
        "use strict";
        const state = { token: sessionStorage.getItem("agentServerToken") || "", roles: [], cursors: [null],
          page: 0, nextCursor: null, detail: null, pending: 0, socket: null, agents: [], decision: null };
        const $ = (id) => document.getElementById(id);
        const statuses = ["queued", "running", "succeeded", "failed", "noOp", "cancelled", "timedOut", "skipped",
          "awaitingApproval", "abandoned", "rejected"];
        const svg = "http://www.w3.org/2000/svg";
        // A run's status as a sparkline bar's class: ok, bad, wait (not ended or awaiting a person) or skip.
        const sparkKind = (status) => ["succeeded", "noOp"].includes(status) ? "ok"
          : ["queued", "running", "awaitingApproval"].includes(status) ? "wait"
          : ["skipped", "cancelled", "rejected"].includes(status) ? "skip" : "bad";

        function el(tag, attrs, ...children) {
          const node = document.createElement(tag);
          for (const [key, value] of Object.entries(attrs || {})) {
            if (key.startsWith("on")) node.addEventListener(key.slice(2), value); else node.setAttribute(key, value);
          }
          for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
          return node;
        }

        async function api(path, options = {}) {
          const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
          if (state.token) headers["Authorization"] = "Bearer " + state.token;
          const response = await fetch("/api/v1" + path, Object.assign({}, options, { headers }));
          const type = response.headers.get("Content-Type") || "";
          const body = type.includes("json") ? await response.json() : await response.text();
          if (!response.ok) {
            const message = body && body.error ? body.error.message : response.statusText;
            const error = new Error(message); error.status = response.status; throw error;
          }
          return body;
        }

        const can = (role) => state.roles.includes(role);
        const time = (text) => text ? new Date(text).toLocaleString() : "";
        const ms = (value) => value == null ? "" : value < 1000 ? value + " ms" : (value / 1000).toFixed(1) + " s";
        function duration(run) {
          if (!run.startedAt) return "";
          const end = run.endedAt ? new Date(run.endedAt) : new Date();
          return ms(end - new Date(run.startedAt));
        }

        async function start() {
          let session;
          try { session = await api("/session"); } catch (error) { $("login-error").textContent = error.message; return; }
          state.roles = session.roles;
          if (session.tokensRequired && state.roles.length === 0) { $("login").hidden = false; $("app").hidden = true; return; }
          $("login").hidden = true; $("app").hidden = false;
          $("who").textContent = session.token ? `token ${session.token}: ${state.roles.join(", ")}` : "open access (loopback)";
          for (const node of document.querySelectorAll(".operate")) node.hidden = !can("operate");
          for (const node of document.querySelectorAll(".approve")) node.hidden = !can("approve");
          $("decision-approver").value = localStorage.getItem("agentServerApprover") || "";
          for (const status of statuses) $("filter-status").append(el("option", { value: status }, status));
          await loadAgents();
          for (const agent of state.agents) $("filter-agent").append(el("option", { value: agent.name }, agent.name));
          await loadRuns();
          await loadApprovals();
          connect();
          const match = location.hash.match(/^#run\/(.+)$/);
          if (match) openRun(match[1]);
        }

        async function loadAgents() {
          const health = await api("/agents/health");
          state.agents = health.agents;
          const body = $("agents").tBodies[0];
          body.replaceChildren(...health.agents.map((agent) => {
            const spark = sparkline(agent.recent);
            const actions = el("td", { class: "operate" });
            if (can("operate")) {
              actions.append(el("button", { "data-action": "run", "data-agent": agent.name, onclick: () => runNow(agent.name) }, "Run now"), " ");
              actions.append(agent.paused
                ? el("button", { "data-action": "resume", onclick: () => setPaused(agent.name, false) }, "Resume")
                : el("button", { "data-action": "pause", onclick: () => setPaused(agent.name, true) }, "Pause"));
            } else actions.hidden = true;
            return el("tr", { "data-agent": agent.name },
              el("td", {}, agent.name), el("td", { class: "state-" + agent.state }, agent.state),
              el("td", { class: "status-" + (agent.lastStatus || "") }, agent.lastStatus || "—"),
              el("td", {}, agent.successRate == null ? "—" : Math.round(agent.successRate * 100) + "%"),
              el("td", {}, ms(agent.p95Ms) || "—"), el("td", {}, String(agent.consecutiveFailures)),
              el("td", {}, agent.paused ? "paused" : time(agent.nextFireAt)), el("td", {}, spark), actions);
          }));
        }

        // The recent runs (newest last) as inline SVG bars: colour by status, height by duration (log scale).
        // Drawn with SVG attributes, not style attributes, which the page's Content-Security-Policy refuses.
        function sparkline(recent) {
          const width = 6, gap = 1, height = 18;
          const chart = document.createElementNS(svg, "svg");
          chart.setAttribute("class", "spark");
          chart.setAttribute("width", String(Math.max(1, recent.length * (width + gap))));
          chart.setAttribute("height", String(height));
          chart.setAttribute("role", "img");
          chart.setAttribute("aria-label", recent.length + " recent runs, newest last: " + recent.map((p) => p.status).join(", "));
          recent.forEach((point, index) => {
            const bar = Math.min(height, 7 + Math.round(Math.log2(1 + (point.durationMs || 0) / 50) * 1.5));
            const rect = document.createElementNS(svg, "rect");
            rect.setAttribute("x", String(index * (width + gap)));
            rect.setAttribute("y", String(height - bar));
            rect.setAttribute("width", String(width));
            rect.setAttribute("height", String(bar));
            rect.setAttribute("class", sparkKind(point.status));
            rect.setAttribute("data-status", point.status);
            const title = document.createElementNS(svg, "title");
            title.textContent = `${point.status} ${ms(point.durationMs)} (${point.runID})`;
            rect.append(title);
            rect.addEventListener("click", () => openRun(point.runID));
            chart.append(rect);
          });
          if (recent.length === 0) return el("span", { class: "muted" }, "no runs");
          return chart;
        }

        // Only http(s) links are shown as links: an outputs location is the agent's output, not trusted markup.
        function outputsLink(uri) {
          if (!uri) return "—";
          return /^https?:\/\//i.test(uri) ? el("a", { href: uri, target: "_blank", rel: "noopener noreferrer" }, uri) : uri;
        }

        async function loadApprovals() {
          const list = await api("/approvals?state=pending&limit=200");
          $("approvals-count").textContent = list.items.length ? `(${list.items.length} pending)` : "";
          $("approvals-empty").hidden = list.items.length > 0;
          $("approvals").hidden = list.items.length === 0;
          $("approvals").tBodies[0].replaceChildren(...list.items.map((request) => {
            const actions = el("td", { class: "approve" });
            if (can("approve")) {
              actions.append(
                el("button", { "data-action": "approve", onclick: () => askDecision(request.runID, "approve") }, "Approve"), " ",
                el("button", { "data-action": "reject", onclick: () => askDecision(request.runID, "reject") }, "Reject"));
            } else actions.hidden = true;
            return el("tr", { "data-run": request.runID },
              el("td", {}, el("a", { href: "#run/" + request.runID, onclick: (event) => { event.preventDefault(); openRun(request.runID); } },
                request.runID.slice(-10))),
              el("td", {}, request.agentName), el("td", {}, outputsLink(request.outputsURI)),
              el("td", {}, time(request.requestedAt)), el("td", {}, time(request.deadline)),
              el("td", {}, request.approvers.length ? request.approvers.join(", ") : "anyone"), actions);
          }));
        }

        function askDecision(runID, verdict) {
          state.decision = { runID, verdict };
          $("decision-title").textContent = `${verdict === "approve" ? "Approve" : "Reject"} run ${runID.slice(-10)}`;
          $("decision-confirm").textContent = verdict === "approve" ? "Approve" : "Reject";
          $("decision-error").textContent = "";
          $("decision").hidden = false;
          $("decision-approver").focus();
        }

        async function decide(event) {
          event.preventDefault();
          if (!state.decision) return;
          const approver = $("decision-approver").value.trim();
          if (!approver) { $("decision-error").textContent = "say who decides"; return; }
          localStorage.setItem("agentServerApprover", approver);
          const body = { approver };
          if ($("decision-comment").value.trim()) body.comment = $("decision-comment").value.trim();
          try {
            await api(`/runs/${encodeURIComponent(state.decision.runID)}/${state.decision.verdict}`,
              { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
          } catch (error) { $("decision-error").textContent = error.message; return; }
          state.decision = null;
          $("decision").hidden = true;
          $("decision-comment").value = "";
          await loadApprovals();
          await loadRuns();
        }

        function filters() {
          const query = new URLSearchParams();
          if ($("filter-agent").value) query.set("agentName", $("filter-agent").value);
          if ($("filter-status").value) query.set("status", $("filter-status").value);
          if ($("filter-since").value) query.set("since", new Date($("filter-since").value).toISOString());
          return query;
        }

        async function loadRuns() {
          const query = filters();
          query.set("limit", "25");
          const cursor = state.cursors[state.page];
          if (cursor) query.set("cursor", cursor);
          const page = await api("/agents/runs?" + query);
          state.nextCursor = page.next_cursor;
          $("older").disabled = !page.next_cursor;
          $("newest").disabled = state.page === 0;
          $("page-info").textContent = `page ${state.page + 1}`;
          const csv = filters(); csv.set("limit", "10000");
          $("csv").href = "/api/v1/agents/runs.csv?" + csv;
          $("runs").tBodies[0].replaceChildren(...page.items.map((run) => el("tr",
            { class: "clickable", "data-run": run.id, onclick: () => openRun(run.id) },
            el("td", {}, run.id.slice(-10)), el("td", {}, run.agent),
            el("td", { class: "status-" + run.status }, run.status), el("td", {}, run.trigger.kind || run.trigger.type || ""),
            el("td", {}, String(run.attempt)), el("td", {}, time(run.queuedAt)), el("td", {}, duration(run)),
            el("td", { class: "summary" }, run.errorMessage || run.summary || ""))));
        }

        async function openRun(id) {
          state.detail = id;
          location.hash = "run/" + id;
          const run = await api("/runs/" + encodeURIComponent(id));
          $("detail").hidden = false;
          $("detail-id").textContent = run.id;
          $("detail-cancel").hidden = !can("operate") || ["queued", "running"].indexOf(run.status) < 0;
          const fields = ["agent", "status", "attempt", "queuedAt", "startedAt", "endedAt", "durationMs", "summary",
            "errorClass", "errorMessage", "idempotencyKey", "correlationID", "businessDate", "leaseOwner"];
          $("detail-fields").replaceChildren(...fields.filter((key) => run[key] != null).flatMap((key) =>
            [el("dt", {}, key), el("dd", { class: key === "status" ? "status-" + run.status : "" }, String(run[key]))]));
          const first = run.firstRunID || run.id;
          const attempts = await api(`/agents/runs?agentName=${encodeURIComponent(run.agent)}&limit=50`);
          $("detail-attempts").replaceChildren(...attempts.items.filter((item) => item.id === first || item.firstRunID === first)
            .reverse().map((item) => el("li", {}, el("a", { href: "#run/" + item.id, onclick: (event) => { event.preventDefault(); openRun(item.id); } },
              `attempt ${item.attempt}: ${item.status}`), " ", item.errorMessage || "")));
          await loadLog();
          $("detail").scrollIntoView({ block: "nearest" });
        }

        async function loadLog() {
          if (!state.detail) return;
          try {
            const log = await api(`/runs/${encodeURIComponent(state.detail)}/logs?stream=${$("detail-stream").value}&tail=200`);
            $("detail-log").textContent = log.lines.join("\n") || "(empty)";
          } catch (error) { $("detail-log").textContent = error.message; }
        }

        async function runNow(agent) {
          // The new run shows up through the live events (or, with live updates paused, on the next refresh).
          await api(`/agents/${encodeURIComponent(agent)}/runs`,
            { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
        }

        async function setPaused(agent, paused) {
          await api(`/agents/${encodeURIComponent(agent)}/${paused ? "pause" : "resume"}`, { method: "POST" });
          await loadAgents();
        }

        let refreshTimer = null;
        function refreshSoon() {
          if (!$("live").checked) { state.pending += 1; $("pending").textContent = `${state.pending} updates paused`; return; }
          clearTimeout(refreshTimer);
          refreshTimer = setTimeout(async () => {
            if (state.page === 0) await loadRuns();
            await loadAgents();
            await loadApprovals();
            if (state.detail) {
              const run = await api("/runs/" + encodeURIComponent(state.detail));
              if (run.status) await openRun(state.detail);
            }
          }, 150);
        }

        function connect() {
          const scheme = location.protocol === "https:" ? "wss://" : "ws://";
          const query = state.token ? "?access_token=" + encodeURIComponent(state.token) : "";
          const socket = new WebSocket(scheme + location.host + "/api/v1/events" + query);
          state.socket = socket;
          socket.onopen = () => { $("connection").textContent = "live"; $("connection").className = "badge live"; };
          socket.onclose = () => {
            $("connection").textContent = "disconnected"; $("connection").className = "badge down";
            setTimeout(connect, 2000);
          };
          socket.onmessage = (message) => {
            const event = JSON.parse(message.data);
            if (event.event === "heartbeat" || event.event === "runLog") return;
            const line = `${new Date(event.ts).toLocaleTimeString()} ${event.event} ${event.agent || ""} ${event.status || ""} ${event.message || ""}`;
            $("events").prepend(el("li", {}, line));
            while ($("events").children.length > 100) $("events").lastChild.remove();
            refreshSoon();
          };
        }

        $("live").addEventListener("change", () => {
          if ($("live").checked && state.pending > 0) { state.pending = 0; $("pending").textContent = ""; refreshSoon(); }
        });
        $("filters").addEventListener("submit", (event) => { event.preventDefault(); state.page = 0; state.cursors = [null]; loadRuns(); });
        $("older").addEventListener("click", () => { state.cursors[state.page + 1] = state.nextCursor; state.page += 1; loadRuns(); });
        $("newest").addEventListener("click", () => { state.page = 0; state.cursors = [null]; loadRuns(); });
        $("detail-close").addEventListener("click", () => { $("detail").hidden = true; state.detail = null; location.hash = ""; });
        $("detail-stream").addEventListener("change", loadLog);
        $("decision").addEventListener("submit", decide);
        $("decision-cancel").addEventListener("click", () => { state.decision = null; $("decision").hidden = true; });
        $("detail-cancel").addEventListener("click", async () => {
          try { await api(`/runs/${encodeURIComponent(state.detail)}/cancel`, { method: "POST" }); } catch (error) { alert(error.message); }
          openRun(state.detail);
        });
        $("login-form").addEventListener("submit", (event) => {
          event.preventDefault();
          state.token = $("token").value.trim();
          sessionStorage.setItem("agentServerToken", state.token);
          start();
        });
        start();
        """#
}
