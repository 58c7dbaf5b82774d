// Starts `bistandsregler lsp` for .riktlinje and .schablon files; everything else (diagnostics,
// hover, completion, definitions, outline, formatting, quick fixes) is the server's.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("bistandsregler");
  const [command, ...args] = config.get("command", ["bistandsregler", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "riktlinje" },
      { scheme: "file", language: "schablon" },
    ],
    initializationOptions: {
      lang: config.get("lang", "sv"),
      debounce_ms: config.get("debounceMs", 150),
    },
  };
  client = new LanguageClient("bistandsregler", "Biståndsregler", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
