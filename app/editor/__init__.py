"""The Markdown editor's server side: pasted HTML converted to Markdown (the toolbar itself is
`static/js/editor.js`, turned on per textarea by the `editor` option of `macros.textarea`)."""
