"""The pages, feeds and JSON API of statements: each module reads its input, calls the service and
answers. The office's pages are `office` (the list and the statement page with its steps),
`drafting` (the form of the edition being prepared) and `edition` (its translations and files);
the register and the administrator's settings are `register`; the newsroom is `public`, its Atom
feeds `feeds`; the JSON API `api`."""
