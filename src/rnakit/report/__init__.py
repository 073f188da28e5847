"""Reports shared by all areas: plots and Markdown/JSON writers."""
