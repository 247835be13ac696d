-- The alert chat (issue 6): which Telegram message shows which risk's card, so a restart keeps editing the same
-- message instead of sending a new one, and a staff reply to a card finds its risk. The latest row per
-- (chat_id, alert_id) wins.
CREATE TABLE IF NOT EXISTS chat_messages (
    chat_id     String,
    alert_id    String,
    message_id  Int64,
    text_hash   String,                      -- the card text last shown (sha1), so an unchanged card is not edited
    updated_at  DateTime64(3, 'UTC')         -- wall clock of the last send or edit
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (chat_id, alert_id);

-- The Telegram getUpdates offset of `dozor bot`, so a restart neither loses nor repeats updates.
CREATE TABLE IF NOT EXISTS chat_offsets (
    bot         String,
    next_offset Int64,
    updated_at  DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY bot;
