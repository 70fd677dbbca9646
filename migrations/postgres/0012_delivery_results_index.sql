-- A version's results are read in delivery order, page after page: this index serves each page
-- from where the last one ended (the (campaign, version, status) index made every page sort
-- the whole version again).
CREATE INDEX deliveries_of_version ON deliveries (campaign_id, version, id);
