"""The one HTTP app: Telegram webhook, and (later) document pages, verification and staff pages."""
