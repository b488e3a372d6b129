"""The district server: receives desks' changes, publishes upstream data, serves pages."""
