"""Messages: templates, headers built safely, and the lint."""
