// 分类定级 pages (workspace/console/grading*.py); no inline script (the workspace's CSP).
// 1. 安排部署: each domain's sub-item points added up as they are typed (G2: 100 in all), the G5 shares checked.
// 2. 定级确定 / 定级更正: the G5 meter recomputed for the grade chosen (DOMAIN G5: top ≤ ⌊max_top·N⌋,
//    bottom + undetermined ≥ ⌈min_bottom·N⌉) — the API still decides.
(() => {
  const totals = () => {
    document.querySelectorAll("[data-total]").forEach((badge) => {
      const key = badge.dataset.total;
      let sum = 0;
      document.querySelectorAll(`[data-points="${key}"]`).forEach((input) => { sum += Number(input.value) || 0; });
      sum = Math.round(sum * 10000) / 10000;
      badge.textContent = `子项合计 ${sum} 分`;
      badge.className = `status ${sum === 100 ? "ok" : "bad"}`;
    });
  };
  const ratio = () => {
    const hint = document.querySelector("[data-ratio-hint]");
    if (!hint) return;
    const top = Number(document.getElementById("max_top").value) || 0;
    const bottom = Number(document.getElementById("min_bottom").value) || 0;
    hint.textContent = top + bottom > 100 ? "先进比例上限与后进比例下限之和不能超过 100%，请调低其中之一" : "";
    hint.className = top + bottom > 100 ? "field-error" : "muted";
  };
  document.getElementById("deploy")?.addEventListener("input", () => { totals(); ratio(); });
  totals(); ratio();

  const meter = document.getElementById("meter");
  const after = (select) => {
    const out = meter.querySelector("[data-meter-after]");
    const option = select.selectedOptions[0];
    if (!option || option.dataset.rank === undefined) { out.textContent = ""; return; }
    const d = meter.dataset, rank = Number(option.dataset.rank), last = Number(option.dataset.rungs) - 1;
    let top = Number(d.top), bottom = Number(d.bottom), determined = Number(d.determined);
    if (select.dataset.correcting !== undefined) {  // a correction: counted as if determined anew
      const old = Number(select.dataset.correcting);
      top -= old === 0; bottom -= old === last; determined -= 1;
    }
    top += rank === 0; bottom += rank === last;
    const undetermined = Math.max(0, Number(d.orgs) - determined - 1);
    const problems = [];
    if (d.topLimit !== "" && top > Number(d.topLimit)) problems.push(`先进将达 ${top} 个，超过上限 ${d.topLimit} 个`);
    if (rank !== last && bottom + undetermined < Number(d.bottomNeeded)) problems.push(`后进至少需 ${d.bottomNeeded} 个，定级后仅可能有 ${bottom + undetermined} 个`);
    out.textContent = `定为「${option.value}」后：先进 ${top} 个，后进 ${bottom} 个，未定级 ${undetermined} 个。` +
      (problems.length ? ` 将突破比例控制：${problems.join("；")}，需部署机关例外批准。` : " 符合比例控制。");
    out.className = problems.length ? "field-error" : "muted";
  };
  if (meter) {
    document.querySelectorAll("[data-meter-grade]").forEach((select) => {
      select.addEventListener("change", () => after(select));
      after(select);
    });
  }
})();
