-- Below the settlement (issue 18): the street, house, institution and organisations a post names, and the places
-- after a place marker that the gazetteer does not know (so it can grow). Read only on complaint candidates;
-- '' / [] when unknown or not read. A story keeps the street and institution most of its posts name.
ALTER TABLE posts ADD COLUMN IF NOT EXISTS street String DEFAULT '';
ALTER TABLE posts ADD COLUMN IF NOT EXISTS house String DEFAULT '';
ALTER TABLE posts ADD COLUMN IF NOT EXISTS object LowCardinality(String) DEFAULT '';
ALTER TABLE posts ADD COLUMN IF NOT EXISTS orgs Array(String) DEFAULT [];
ALTER TABLE posts ADD COLUMN IF NOT EXISTS place_unverified Array(String) DEFAULT [];
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS street String DEFAULT '';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS object LowCardinality(String) DEFAULT '';
