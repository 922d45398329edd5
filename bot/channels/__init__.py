"""Channel adapters: inbound translation and outbound senders, one package per platform."""
