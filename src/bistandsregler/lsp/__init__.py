"""The language server (``bistandsregler lsp``): what an author's editor asks while they type.

- ``documents``: the open documents read with their folder and the national layer, as
  ``validate`` reads them, the unsaved text of open documents in place of the disk;
- ``outline``: the blocks of a document (symbols, folding), found from the text so that a
  document with a syntax error still has them;
- ``knowledge``: hover and go to definition, answered from the rule book;
- ``completion``: keywords where the grammar lets them stand, and the names an author refers to;
- ``fixes``: quick fixes for the diagnostics that say "menade du …";
- ``server``: the pygls server speaking LSP over stdio.
"""
