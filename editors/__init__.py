"""Editor tooling built on the language's public names: the Pygments lexers (`highlight`), the
language server (`lsp`, `python -m editors.lsp`) and the TextMate grammars' generator
(`build_grammars`). The language core never imports this package."""
