#!/bin/sh
# Packages the extension as bistandsregler-<version>.vsix (install it with
# `code --install-extension bistandsregler-0.1.0.vsix`). Needs node and npm (the npm registry, or
# a mirror of it, for vscode-languageclient and @vscode/vsce). The grammars are regenerated first,
# so the package colours the keywords the lark grammars have today.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/../../tools/textmate.py" >/dev/null
cd "$here"
npm install --no-audit --no-fund --loglevel=error
npx --no-install vsce package --allow-missing-repository --skip-license --out "bistandsregler-$(node -p 'require("./package.json").version').vsix"
