"""WeCom channels: AI bot and self-built app callbacks, group-robot and app senders."""
