"""The pages, feeds and JSON API of briefings: each module reads its input, calls the service and answers."""
