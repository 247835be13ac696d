-- 0013: why a repeat appeal repeats the earlier one (issue 19), in Russian as staff read it:
-- «тот же дом; через 12 дн. после первого обращения; та же категория; та же проблема: освещение (подъезд 3, этаж 5)»
ALTER TABLE appeal_links ADD COLUMN IF NOT EXISTS why String DEFAULT '';
