"""The pages, downloads and JSON API of department content: each module reads its input, calls the service and answers."""
