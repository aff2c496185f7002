// casegraph explore: the page's whole behaviour.
//
// The page asks the explorer's JSON API (casegraph/explore/app.py) with the
// run's token in a header and draws the answers with vis-network. Nothing is
// loaded from anywhere else. Text from the data is only ever set as text
// (textContent, vis-network labels and plain-text titles), never as HTML.
//
// window.casegraph holds the network and its visible nodes and edges, for the
// tests and for an analyst's console.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);

  const KIND_NAMES = {case: "案件", party: "当事人", asset: "财产"};
  const ROLE_NAMES = {applicant: "申请执行人", debtor: "被执行人"};
  const RULE_NAMES = {
    same_resident_id: "同一有效居民身份证号",
    same_credit_code: "同一有效统一社会信用代码",
    org_name_of_one_code: "无代码的组织，与唯一持有代码的同名组织归并",
    masked_id_and_name: "遮蔽证件号的可见位与姓名均相符",
    same_org_name: "无代码的组织名称相同",
    unidentified: "无可识别的证件号：单独成为一方，不按姓名归并",
    same_name_pair: "同一法院中同名，且面对同一对方当事人",
    same_org_code: "同一组织机构代码（或统一社会信用代码第9至17位与之相同）",
    masked_credit_code: "遮蔽的统一社会信用代码，可见位与唯一已知代码相符",
    same_name_masked_id: "姓名相同且遮蔽证件号的可见位相符，巧合的可能很小",
    clerk_confirmed: "书记员复核确认为同一当事人",
  };
  const MORE_COLOR = {background: "#eeeeee", border: "#888888"};

  // -- talking to the server ---------------------------------------------------

  const state = {busy: 0, selected: null, from: null, to: null, expanded: {}, addedBy: {}};

  async function api(path, params, body) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([k, v]) => {
      if (v !== null && v !== undefined && v !== "" && v !== false) url.searchParams.set(k, v === true ? "1" : v);
    });
    const options = {headers: {"X-Casegraph-Token": config.token}};
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    state.busy += 1;
    try {
      const response = await fetch(url, options);
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || ("HTTP " + response.status));
      return answer;
    } finally {
      state.busy -= 1;
    }
  }

  function say(text, error) {
    const s = $("status");
    s.textContent = text;
    s.className = error ? "error" : "";
  }

  async function attempt(fn) {
    try {
      return await fn();
    } catch (e) {
      say(e.message, true);
      return null;
    }
  }

  // -- drawing -----------------------------------------------------------------

  function money(x) {
    if (x === null || x === undefined) return "";
    return "¥" + Number(x).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  function lookOf(d) {
    if (d.kind === "party") return config.looks[d.party_kind === "自然人" ? "person" : "organisation"];
    return config.looks[d.kind] || config.looks.case;
  }

  function shortLabel(text, n) {
    return text.length <= n ? text : text.slice(0, n - 1) + "…";
  }

  function labelOf(d) {
    if (d.kind === "party") return shortLabel(d.name || d.party_id, 14) + (d.n_cases >= 2 ? "（" + d.n_cases + "件）" : "");
    if (d.kind === "asset") return (d.asset_type || "财产") + " …" + d.asset_id.slice(-6);
    return d.label;
  }

  function titleOf(d) {
    if (d.kind === "case") {
      return ["案号 " + d.case_no, "案由 " + (d.cause || "—"), "金额 " + (money(d.amount) || "—"),
        "状态 " + (d.status || "—") + (d.open ? "（未结）" : ""), "立案 " + (d.filed_on || "—"),
        "承办 " + (d.judge || "—")].join("\n");
    }
    if (d.kind === "party") {
      return [d.name, (d.party_kind || "") + "  证件 " + (d.id_masked || "无"),
        "被执行人 " + d.n_debtor_cases + " 件，申请执行人 " + d.n_applicant_cases + " 件",
        d.mass_applicant ? "批量申请人：其申请案件不作关联" : "", "编号 " + d.party_id].filter(Boolean).join("\n");
    }
    return ["财产 " + d.asset_id, "类型 " + (d.asset_type || "—"), "查控于 " + d.n_cases + " 件案件"].join("\n");
  }

  function visNode(d) {
    const look = lookOf(d);
    const chosen = {background: look.color, border: "#d62728"};
    const node = {id: d.id, label: labelOf(d), title: titleOf(d), shape: look.shape, data: d, size: 14, borderWidth: 1,
                  borderWidthSelected: 4, color: {background: look.color, border: "#33415c", highlight: chosen, hover: chosen}};
    if (d.kind === "party") node.size = Math.min(14 + 6 * Math.sqrt(Math.max(d.n_debtor_cases - 1, 0)), 60);
    if (d.mass_applicant) node.shapeProperties = {borderDashes: [4, 3]};
    if (d.kind === "case" && !d.open) node.opacity = 0.75;
    return node;
  }

  function visEdge(e) {
    const look = config.edge_looks[e.role] || config.edge_looks.asset;
    // Debt runs along the arrows: debtor → case → applicant.
    const [from, to] = e.role === "applicant" ? [e.to, e.from] : [e.from, e.to];
    return {id: e.id, from: from, to: to, role: e.role, arrows: e.role in ROLE_NAMES ? "to" : "",
            label: ROLE_NAMES[e.role] || e.role, color: {color: look.color}, dashes: look.dashed,
            font: {size: 9, color: "#555", align: "middle"}};
  }

  // -- filters -------------------------------------------------------------------

  function filters() {
    const num = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
    return {role: $("f-role").value || null, open_only: $("f-open").checked, cause: $("f-cause").value.trim(),
            amount_min: num("f-amount-min"), amount_max: num("f-amount-max"),
            year_from: num("f-year-from"), year_to: num("f-year-to"), hide_mass: $("f-mass").checked};
  }

  function keepsCase(d, f) {
    if (f.open_only && !d.open) return false;
    if (f.cause && !(d.cause || "").includes(f.cause)) return false;
    if (f.amount_min !== null || f.amount_max !== null) {
      if (d.amount === null) return false;
      if (f.amount_min !== null && d.amount < f.amount_min) return false;
      if (f.amount_max !== null && d.amount > f.amount_max) return false;
    }
    if (f.year_from !== null || f.year_to !== null) {
      const y = parseInt((d.filed_on || "").slice(0, 4), 10);
      if (isNaN(y)) return false;
      if (f.year_from !== null && y < f.year_from) return false;
      if (f.year_to !== null && y > f.year_to) return false;
    }
    return true;
  }

  function nodeVisible(n) {
    const d = n.data;
    if (!d) return true;
    const f = filters();
    if (d.kind === "case") return keepsCase(d, f);
    if (d.kind === "party" && f.hide_mass && d.mass_applicant) return false;
    return true;
  }

  function edgeVisible(e) {
    const f = filters();
    if (f.role && e.role in ROLE_NAMES && e.role !== f.role) return false;
    const a = allNodes.get(e.from), b = allNodes.get(e.to);
    return Boolean(a && b && nodeVisible(a) && nodeVisible(b));
  }

  // -- the network -----------------------------------------------------------------

  const allNodes = new vis.DataSet();
  const allEdges = new vis.DataSet();
  const nodes = new vis.DataView(allNodes, {filter: nodeVisible});
  const edges = new vis.DataView(allEdges, {filter: edgeVisible});
  const network = new vis.Network($("network"), {nodes: nodes, edges: edges}, {
    nodes: {font: {size: 12, face: '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif'}},
    edges: {smooth: false, width: 1.2},
    physics: {solver: "forceAtlas2Based", stabilization: {iterations: 150, fit: true},
              forceAtlas2Based: {gravitationalConstant: -60, springLength: 110, avoidOverlap: 0.4}},
    interaction: {hover: true, tooltipDelay: 150, multiselect: true},
  });

  function near(anchor) {
    const p = anchor && allNodes.get(anchor) ? network.getPositions([anchor])[anchor] : null;
    if (!p) return {};
    const a = Math.random() * 2 * Math.PI;
    return {x: p.x + 120 * Math.cos(a), y: p.y + 120 * Math.sin(a)};
  }

  function addNodes(list, anchor) {
    const fresh = [];
    list.forEach((d) => {
      const existing = allNodes.get(d.id);
      if (existing) {
        allNodes.update({...visNode(d), fixed: existing.fixed, borderWidth: existing.borderWidth});
      } else {
        fresh.push({...visNode(d), ...near(anchor)});
        if (anchor) state.addedBy[d.id] = anchor;
      }
    });
    allNodes.add(fresh);
    updateCauses();
    return fresh.length;
  }

  function addEdges(list) {
    allEdges.update(list.map(visEdge));
  }

  function updateCauses() {
    const causes = new Set(allNodes.get().filter((n) => n.data && n.data.cause).map((n) => n.data.cause));
    const list = $("causes");
    list.replaceChildren(...[...causes].sort().map((c) => el("option", {value: c})));
  }

  function refresh() {
    nodes.refresh();
    edges.refresh();
    const total = allNodes.get().filter((n) => n.data && n.data.kind === "case").length;
    const shown = nodes.get().filter((n) => n.data && n.data.kind === "case").length;
    $("filter-note").textContent = total > shown ? "筛选隐藏了图中 " + (total - shown) + " 件案件" : "";
  }

  function clearAll() {
    allEdges.clear();
    allNodes.clear();
    state.expanded = {};
    state.addedBy = {};
    state.selected = null;
    $("details").replaceChildren(el("p", {class: "hint"}, "单击一个节点查看详情；双击展开它的邻居。"));
  }

  // -- expanding, collapsing, pinning, removing ----------------------------------------

  function moreId(id) {
    return "more:" + id;
  }

  async function expand(id) {
    const base = state.expanded[id];
    const offset = base ? base.offset : 0;
    const answer = await attempt(() => api("/api/expand", {id: id, offset: offset, ...filters()}));
    if (!answer) return null;
    allNodes.remove(moreId(id));
    addNodes(answer.nodes, id);
    addEdges(answer.edges);
    const shown = offset + answer.nodes.length;
    state.expanded[id] = {offset: shown, total: answer.total};
    if (answer.more > 0) {
      const what = id.startsWith("case:") ? " 个当事人/财产" : " 件案件";
      allNodes.add({id: moreId(id), label: "+" + answer.more + what, shape: "box", color: MORE_COLOR,
                    title: "双击再展开 " + Math.min(answer.more, 30) + " 个", data: {kind: "more", parent: id},
                    ...near(id)});
      allEdges.update({id: "more-edge:" + id, from: id, to: moreId(id), dashes: true, color: {color: "#999"}});
    }
    const label = (allNodes.get(id) || {}).label || id;
    say("展开 " + label + "：显示 " + shown + " / " + answer.total + (answer.more ? "，还有 " + answer.more + " 个未展开" : "")
        + (answer.hidden ? "；筛选排除 " + answer.hidden + " 个" : ""));
    refresh();
    return answer;
  }

  function collapse(id) {
    const children = Object.keys(state.addedBy).filter((c) => state.addedBy[c] === id);
    children.forEach((c) => collapse(c));
    children.forEach((c) => {
      const links = allEdges.get({filter: (e) => (e.from === c || e.to === c)});
      const others = links.map((e) => (e.from === c ? e.to : e.from)).filter((o) => o !== id && allNodes.get(o));
      const node = allNodes.get(c);
      if (others.length === 0 && !(node && node.fixed)) remove(c);
    });
    allNodes.remove(moreId(id));
    allEdges.remove("more-edge:" + id);
    delete state.expanded[id];
    refresh();
  }

  function remove(id) {
    const links = allEdges.get({filter: (e) => e.from === id || e.to === id}).map((e) => e.id);
    allEdges.remove(links);
    allNodes.remove([id, moreId(id)]);
    delete state.addedBy[id];
    delete state.expanded[id];
    if (state.selected === id) state.selected = null;
  }

  function pin(id) {
    const n = allNodes.get(id);
    if (!n) return;
    const pinned = !(n.fixed && n.fixed.x);
    allNodes.update({id: id, fixed: pinned ? {x: true, y: true} : false, borderWidth: pinned ? 4 : 1});
  }

  // -- the details panel ------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "onclick") e.addEventListener("click", v);
      else e.setAttribute(k, v);
    });
    children.flat(Infinity).forEach((c) => e.append(c instanceof Node ? c : String(c)));
    return e;
  }

  function dl(pairs) {
    return el("dl", {}, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== "")
      .map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  function button(text, fn, id) {
    return el("button", {type: "button", ...(id ? {id: id} : {}), onclick: fn}, text);
  }

  function linkTo(d, anchor, edge) {
    return el("a", {class: "node-link", onclick: () => {
      addNodes([d], anchor);
      if (edge) addEdges([edge]);
      refresh();
      select(d.id);
    }}, d.label);
  }

  function table(headers, rows) {
    return el("table", {}, el("tr", {}, headers.map((h) => el("th", {}, h))),
      rows.map((r) => el("tr", {}, r.map((c) => (c && c.num !== undefined ? el("td", {class: "num"}, c.num) : el("td", {}, c))))));
  }

  async function select(id) {
    state.selected = id;
    network.selectNodes([id]);
    const d = await attempt(() => api("/api/node", {id: id}));
    if (!d || state.selected !== id) return;
    const box = $("details");
    const actions = el("div", {class: "actions"},
      button("展开", () => expand(id), "act-expand"), button("收起", () => collapse(id), "act-collapse"),
      button("固定/取消", () => pin(id), "act-pin"), button("移除", () => remove(id), "act-remove"),
      button("设为起点", () => setEnd("from", d), "act-from"), button("设为终点", () => setEnd("to", d), "act-to"));
    const parts = [el("p", {class: "hint"}, KIND_NAMES[d.kind]), el("h3", {}, d.label), actions];
    if (d.kind === "case") {
      if (d.bundle) actions.append(button("案件群视图", () => openView("bundle", id), "act-bundle"));
      parts.push(dl([["案由", d.cause], ["金额", money(d.amount) || "—"], ["状态", (d.status || "—") + (d.open ? "（未结）" : "")],
        ["承办法官", (d.judge || "—") + (d.team ? "（" + d.team + "）" : "")], ["立案日期", d.filed_on || "—"],
        ["案件群", d.bundle ? d.bundle.bundle_id + "（" + d.bundle.n_cases + " 件）" : "无"]]));
      parts.push(el("h4", {}, "当事人"), table(["名称", "角色", "证件号"], d.parties.map((p) => [
        linkTo(p, id, null), p.roles.map((r) => ROLE_NAMES[r] || r).join("、"), p.id_masked || "无"])));
      if (d.assets.length) {
        parts.push(el("h4", {}, "财产"), table(["财产", "类型", "措施"], d.assets.map((a) => [
          linkTo(a, id, null), a.asset_type, a.actions.join("、")])));
      }
    } else if (d.kind === "party") {
      if (d.n_debtor_cases > 0) actions.append(button("债务网视图", () => openView("debtor", id), "act-debtor"));
      parts.push(dl([["类型", d.party_kind], ["证件号", d.id_masked || "无"], ["编号", d.party_id],
        ["案件", d.n_cases + " 件"], ["批量申请人", d.mass_applicant ? "是：其申请案件不作关联" : ""],
        ["法定代表人或负责人", (d.representatives || []).join("、")]]));
      parts.push(table(["角色", "件数", "金额合计", "未结"], ["debtor", "applicant"].map((r) => [
        ROLE_NAMES[r], {num: d.totals[r].n_cases}, {num: money(d.totals[r].amount)}, {num: d.totals[r].n_open}])));
      parts.push(el("h4", {}, "为何视为同一当事人"));
      if (!d.rules.length) parts.push(el("p", {class: "hint"}, "（无归并记录）"));
      d.rules.forEach((r) => parts.push(el("div", {class: "rule"},
        el("strong", {}, RULE_NAMES[r.rule] || r.rule), el("br"), "依据 " + (r.key || "—") + " · " + r.n_records + " 条记录",
        el("br"), "写作 " + r.names.join("、"))));
      parts.push(el("h4", {}, "案件"), caseTable(d, id, "roles"));
    } else {
      parts.push(dl([["编号", d.asset_id], ["类型", d.asset_type || "—"], ["案件", d.n_cases + " 件"]]));
      parts.push(el("h4", {}, "查控该财产的案件"), caseTable(d, id, "actions"));
    }
    box.replaceChildren(...parts);
  }

  function caseTable(d, id, key) {
    const rows = d.cases.map((c) => [[linkTo(c, id, null), el("br"), el("span", {class: "hint"}, c.cause + " · " + c.filed_on)],
      c[key].map((r) => ROLE_NAMES[r] || r).join("、"), {num: money(c.amount)}, c.status]);
    const t = table(["案号", key === "roles" ? "角色" : "措施", "金额", "状态"], rows);
    return d.n_more_cases ? [t, el("p", {class: "hint"}, "另有 " + d.n_more_cases + " 件未列出（展开可分批查看）")] : t;
  }

  // -- how are these connected? ---------------------------------------------------------------

  function setEnd(which, d) {
    state[which] = d;
    $("path-" + which).textContent = KIND_NAMES[d.kind] + " " + d.label;
    $("find-path").disabled = !(state.from && state.to);
  }

  async function findPath() {
    if (!(state.from && state.to)) return null;
    const answer = await attempt(() => api("/api/path", {from: state.from.id, to: state.to.id,
                                                         max_hops: $("max-hops").value}));
    const out = $("path-result");
    if (!answer) return null;
    if (!answer.paths.length) {
      out.replaceChildren(el("p", {class: "bad"}, $("max-hops").value + " 步之内没有找到关联（批量申请人不作中转）。"));
      return answer;
    }
    addNodes([state.from, state.to], null);
    addNodes(answer.nodes, state.from.id);
    addEdges(answer.edges);
    refresh();
    const label = (id) => (allNodes.get(id) || {label: id}).label;
    out.replaceChildren(el("p", {}, "最短 " + answer.hops + " 步，共 " + answer.n_paths + " 条"
        + (answer.n_paths > answer.paths.length ? "（显示前 " + answer.paths.length + " 条）" : "") + "："),
      el("ol", {}, answer.paths.map((p) => el("li", {}, p.map(label).join(" → ")))));
    network.selectNodes(answer.nodes.map((n) => n.id));
    network.fit({nodes: answer.nodes.map((n) => n.id), animation: false});
    say("路径：" + answer.n_paths + " 条最短路径，每条 " + answer.hops + " 步");
    return answer;
  }

  // -- views and findings ----------------------------------------------------------------------

  async function openView(kind, id) {
    const v = await attempt(() => api("/api/view", {kind: kind, id: id}));
    if (!v) return null;
    clearAll();
    addNodes(v.nodes, null);
    addEdges(v.edges);
    if (v.focus && allNodes.get(v.focus)) allNodes.update({id: v.focus, borderWidth: 4, color: {border: "#d62728", background: lookOf(allNodes.get(v.focus).data).color}});
    refresh();
    say(v.title + (v.more ? "；另有 " + v.more + " 件未显示" : ""));
    network.once("stabilized", () => network.fit());
    return v;
  }

  function panel(title, body) {
    $("panel-title").textContent = title;
    $("panel-body").replaceChildren(...body);
    $("panel").hidden = false;
  }

  async function showFindings() {
    panel("发现", [el("p", {class: "hint"}, "计算中……（数据量大时需要一些时间）")]);
    const f = await attempt(() => api("/api/findings"));
    if (!f) return;
    const go = (r) => button("查看", () => { $("panel").hidden = true; openView(r.view, r.id); });
    panel("发现", [
      el("h3", {}, "关联案件群（" + f.counts.bundles + "）"),
      table(["案件群", "件数", ""], f.bundles.map((r) => [r.bundle_id, {num: r.n_cases}, go(r)])),
      el("h3", {}, "共同被执行人（" + f.counts.common_debtors + "）"),
      table(["名称", "件数", "金额合计", "终本", ""], f.common_debtors.map((r) => [r.name, {num: r.n_cases},
        {num: money(r.total_amount)}, {num: r.n_no_property}, go(r)])),
      el("h3", {}, "可抵销债务（" + f.counts.offsets + "）"),
      table(["编号", "类型", "当事人", "金额", ""], f.offsets.map((r) => [r.offset_id,
        r.kind === "bilateral" ? "双方互负" : "多方循环", {num: r.n_parties}, {num: money(r.amount)}, go(r)])),
    ]);
  }

  // -- review: the candidates, confirmed or rejected ----------------------------------------------

  const CANDIDATE_KINDS = {person: "同名自然人", org_variant: "名称变体", branch: "分支机构"};
  const DECISION_NAMES = {same: "同一当事人", different: "不是同一当事人"};

  async function showReview() {
    panel("复核：可能是同一当事人", [el("p", {class: "hint"}, "计算中……")]);
    const r = await attempt(() => api("/api/candidates", {limit: 200}));
    if (!r) return null;
    const by = el("input", {id: "review-by", placeholder: "复核人（可不填）", value: sessionStorage.getItem("casegraph-by") || ""});
    by.addEventListener("change", () => sessionStorage.setItem("casegraph-by", by.value));
    const head = r.file
      ? el("p", {}, "决定记入 " + r.file + "，下次分析（--decisions）时生效。 ", by)
      : el("p", {class: "bad"}, "只读：启动 casegraph explore 时加 --decisions 文件，才能记录决定。");
    const rows = r.candidates.map((c) => {
      const state = el("span", {class: "decision", "data-id": c.candidate_id}, c.decision ? "已定：" + DECISION_NAMES[c.decision] : "");
      const decide = (d) => button(d === "same" ? "同一人" : "不是", async () => {
        const done = await attempt(() => api("/api/decisions", null, {candidate_id: c.candidate_id, decision: d, by: by.value}));
        if (done) {
          state.textContent = "已记录：" + DECISION_NAMES[done.decision];
          say("已记录 " + done.candidate_id + "：" + DECISION_NAMES[done.decision] + "（" + done.file + "）");
        }
      });
      const buttons = [decide("same"), decide("different")];
      if (!r.file) buttons.forEach((b) => { b.disabled = true; });
      return [c.names, CANDIDATE_KINDS[c.kind] || c.kind, {num: c.n_cases}, c.evidence, {num: c.strength.toFixed(2)},
              [button("查看", () => { $("panel").hidden = true; openView("candidate", c.candidate_id); }), ...buttons, state]];
    });
    panel("复核：可能是同一当事人（" + r.total + "）", [head,
      table(["名称", "类型", "件数", "依据", "强度", ""], rows)]);
    return r;
  }

  // -- search --------------------------------------------------------------------------------

  let searchSeq = 0;

  async function search(q) {
    const mine = ++searchSeq;
    const list = $("results");
    if (!q.trim()) {
      list.hidden = true;
      return [];
    }
    const answer = await attempt(() => api("/api/search", {q: q}));
    if (!answer || mine !== searchSeq) return [];
    const items = answer.results.map((d) => {
      const meta = d.kind === "party" ? [d.party_kind, d.id_masked || "无证件号", d.n_cases + " 件"].join(" · ")
        : d.kind === "case" ? [d.cause, d.status].filter(Boolean).join(" · ") : [d.asset_type, d.n_cases + " 件"].join(" · ");
      const look = lookOf(d);
      return el("li", {role: "option", "data-id": d.id, onclick: () => pick(d)},
        el("span", {class: "kind", style: "background:" + look.color}, KIND_NAMES[d.kind]), el("span", {}, d.label),
        el("span", {class: "meta"}, meta));
    });
    list.replaceChildren(...(items.length ? items : [el("li", {class: "none"}, "没有找到（可输入完整姓名、案号或证件号）")]));
    list.hidden = false;
    return answer.results;
  }

  function pick(d) {
    $("results").hidden = true;
    addNodes([d], null);
    refresh();
    network.focus(d.id, {scale: 1.1, animation: false});
    select(d.id);
  }

  // -- exporting -------------------------------------------------------------------------------

  function download(blob, name) {
    const a = el("a", {href: URL.createObjectURL(blob), download: name});
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function exportPng() {
    const src = $("network").querySelector("canvas");
    const out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    out.toBlob((b) => download(b, "casegraph.png"), "image/png");
  }

  function csvCell(v) {
    let s = v === null || v === undefined ? "" : String(v);
    // A cell Excel would run as a formula stays text.
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function exportCsv() {
    const cases = nodes.get().filter((n) => n.data && n.data.kind === "case").map((n) => n.data);
    const lines = [["案号", "案由", "申请执行标的金额", "案件状态", "承办法官", "立案日期"]].concat(
      cases.map((d) => [d.case_no, d.cause, d.amount === null ? "" : d.amount.toFixed(2), d.status, d.judge, d.filed_on]));
    download(new Blob(["\ufeff" + lines.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n"],
                      {type: "text/csv;charset=utf-8"}), "casegraph-cases.csv");
    say("导出 " + cases.length + " 件案件");
  }

  // -- wiring ----------------------------------------------------------------------------------

  network.on("click", (p) => {
    if (!p.nodes.length) return;
    const id = p.nodes[0];
    if (id.startsWith("more:")) return;
    select(id);
  });
  network.on("doubleClick", (p) => {
    if (!p.nodes.length) return;
    const id = p.nodes[0];
    expand(id.startsWith("more:") ? allNodes.get(id).data.parent : id);
  });
  let typing = null;
  $("q").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => search($("q").value), 250);
  });
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(typing);
    search($("q").value);
  });
  document.addEventListener("click", (e) => {
    if (!$("search").contains(e.target)) $("results").hidden = true;
  });
  ["f-role", "f-open", "f-cause", "f-amount-min", "f-amount-max", "f-year-from", "f-year-to", "f-mass"]
    .forEach((id) => $(id).addEventListener(id === "f-cause" ? "input" : "change", refresh));
  $("max-hops").value = config.default_hops;
  $("max-hops").max = config.max_hops;
  $("find-path").addEventListener("click", findPath);
  $("show-findings").addEventListener("click", showFindings);
  $("show-review").addEventListener("click", showReview);
  $("panel-close").addEventListener("click", () => { $("panel").hidden = true; });
  $("export-png").addEventListener("click", exportPng);
  $("export-csv").addEventListener("click", exportCsv);
  $("clear").addEventListener("click", () => { clearAll(); say(""); });

  // #view=bundle&id=case:… or #node=party:… opens a view or a node at once.
  const hash = new URLSearchParams(window.location.hash.slice(1));
  if (hash.get("view") && hash.get("id")) openView(hash.get("view"), hash.get("id"));
  else if (hash.get("node")) api("/api/node", {id: hash.get("node")}).then(pick, (e) => say(e.message, true));

  window.casegraph = {ready: true, network: network, nodes: nodes, edges: edges, all: allNodes, state: state,
                      api: api, search: search, expand: expand, select: select, openView: openView,
                      findPath: findPath, collapse: collapse, remove: remove, pin: pin, filters: filters,
                      showReview: showReview};
  say("就绪：" + (config.where || config.backend));
})();
