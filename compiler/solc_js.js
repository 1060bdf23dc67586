// Standard-JSON bridge to solc-js: input on stdin, output on stdout.
// Imports resolve against the project root; `@openzeppelin/` is remapped in
// the input's settings to `node_modules/@openzeppelin/`.
const fs = require("fs");
const path = require("path");

const root = process.argv[2] || process.cwd();
const solc = require(path.join(root, "node_modules", "solc"));

function findImports(name) {
  const file = path.join(root, name);
  if (!file.startsWith(root + path.sep)) {
    return { error: `import outside the project: ${name}` };
  }
  try {
    return { contents: fs.readFileSync(file, "utf8") };
  } catch (error) {
    return { error: `cannot read ${name}: ${error.message}` };
  }
}

const input = fs.readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImports }));
