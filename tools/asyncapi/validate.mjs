// Validates AsyncAPI documents with the official parser (@asyncapi/parser, pinned in package.json).
// Usage: node tools/asyncapi/validate.mjs FILE...  — prints each file's diagnostics; exits 1 if any has an error.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}

const parser = new Parser();
let failed = 0;
for (const file of files) {
  const text = await readFile(file, "utf8");
  const { document, diagnostics } = await parser.parse(text, { source: file });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  for (const d of errors) {
    console.log(`${file}: error ${d.code}: ${d.message} at /${d.path.join("/")}`);
  }
  if (errors.length > 0 || !document) {
    failed += 1;
  } else {
    const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length;
    console.log(`${file}: valid AsyncAPI ${document.version()} (${warnings} warnings)`);
  }
}
process.exit(failed ? 1 : 0);
