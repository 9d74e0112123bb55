"""Text that enters tagger: cleaning drafts (HTML, Markdown, copied pages) and input checks."""
