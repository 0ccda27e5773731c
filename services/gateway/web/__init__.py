"""The web app: pages in Chinese for members, group leaders, secretaries and the institution
committee, served by the gateway over its own endpoints (see app.py and page.py)."""
