"""The domain core of gridbot: pure Python, no web, database or WeChat imports."""
