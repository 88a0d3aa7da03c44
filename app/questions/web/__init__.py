"""The pages and JSON API of questions: each module reads its input, calls the service and answers.
The office's pages are `office` (the list, recording, the question page with its triage steps,
the figures) and `answers` (drafts, approval, the department's pages, files); the live briefing
is `moderator` (the office's screen) and `room` (the journalist's phone page and the display),
sharing `live_common`; a journalist's own pages `journalist`; the press-agency registry
`agencies`; the JSON API `api` (questions, rules), `api_people` (agencies, journalists) and
`api_shapes`; what the pages share `common`."""
