"""The mentors' web app: server-rendered pages over the six services' APIs, called with the
signed-in user's own token. It owns no case data."""
