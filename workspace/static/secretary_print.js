// The poster's 打印海报 button (no inline script: the workspace's CSP).
document.getElementById("print")?.addEventListener("click", () => window.print());
