"""The web app's pages, by who uses them; each a function of the page and the path's values."""
