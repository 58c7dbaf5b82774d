// Tokenizes files with the real TextMate engine of VS Code (vscode-textmate + vscode-oniguruma):
//   node tokenize.js SYNTAXES_DIR SCOPE FILE...   (NODE_PATH points at their node_modules)
// Prints, as JSON, per file the scoped tokens [line, start, end, scope] (not the bare white space).
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const [dir, scope, ...files] = process.argv.slice(2);
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (name) => {
    const file = path.join(dir, name.replace("source.", "") + ".tmLanguage.json");
    return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
  },
});

(async () => {
  const grammar = await registry.loadGrammar(scope);
  const out = {};
  for (const file of files) {
    const tokens = [];
    let state = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n").split("\n").forEach((line, number) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      for (const token of result.tokens) {
        if (token.scopes.length > 1 && token.endIndex > token.startIndex) {
          tokens.push([number, token.startIndex, Math.min(token.endIndex, line.length), token.scopes[token.scopes.length - 1]]);
        }
      }
    });
    out[file] = tokens;
  }
  process.stdout.write(JSON.stringify(out));
})();
