-- detwasm demo: real SQL work in the SQLite shell, compiled to wasm32-wasi.
--
--   detwasm run --dir examples/sql::/data --stdin examples/sql/demo.sql \
--       examples/sqlite3.wasm /data/demo.db
--
-- Everything runs inside the preopened directory /data, an in-memory copy
-- of examples/sql: the host directory is never written.  The database file
-- /data/demo.db is created by this run, written, closed, reopened; VACUUM
-- INTO writes /data/copy.db; a CSV report is exported and imported back.
--
-- Output is deterministic except the rows that start with 'clock' (they
-- depend on the virtual clock) and 'random' (they depend on the seed).
-- Compare the rest with:  grep -v -E '^(clock|random)\|'
.bail on
.headers on
.mode table
.nullvalue NULL

.print '== version'
SELECT sqlite_version() AS version;

.print '== schema (dropping leftovers, so a re-run on a real disk works too)'
DROP TABLE IF EXISTS order_items;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS customers;
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS cities;
DROP TABLE IF EXISTS report_copy;
PRAGMA page_size = 4096;
PRAGMA journal_mode;

CREATE TABLE products(
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE,
  price REAL NOT NULL CHECK (price > 0)
);
CREATE TABLE customers(
  id     INTEGER PRIMARY KEY,
  name   TEXT NOT NULL,
  city   TEXT NOT NULL,
  joined TEXT NOT NULL
);
CREATE TABLE orders(
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  day         TEXT NOT NULL
);
CREATE TABLE order_items(
  order_id   INTEGER NOT NULL REFERENCES orders(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  qty        INTEGER NOT NULL
);

.print '== import the preloaded file /data/cities.csv'
CREATE TABLE cities(
  name       TEXT PRIMARY KEY,
  country    TEXT NOT NULL,
  population INTEGER NOT NULL,
  lat        REAL,
  lon        REAL
);
.import --csv --skip 1 /data/cities.csv cities
SELECT count(*) AS cities, sum(population) AS total_population FROM cities;

.print '== insert thousands of rows in transactions (recursive CTEs)'
BEGIN;
INSERT INTO products(id, name, price)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
  SELECT i, 'product-' || printf('%02d', i), round(1.5 + (i * 37 % 100) / 4.0, 2) FROM n;
INSERT INTO customers(id, name, city, joined)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
  SELECT i,
         'customer-' || printf('%04d', i),
         (SELECT name FROM cities WHERE rowid = 1 + (i * 7919) % 30),
         date('2020-01-01', '+' || ((i * 104729) % 1461) || ' days')
  FROM n;
COMMIT;
BEGIN;
INSERT INTO orders(id, customer_id, day)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  SELECT i, 1 + (i * 2654435761) % 500, date('2024-01-01', '+' || ((i * 31) % 366) || ' days') FROM n;
INSERT INTO order_items(order_id, product_id, qty)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
  SELECT 1 + (i * 48271) % 2000, 1 + (i * 16807) % 50, 1 + (i * 7) % 5 FROM n;
COMMIT;
SELECT (SELECT count(*) FROM products) AS products,
       (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM order_items) AS items;

.print '== indexes'
CREATE INDEX orders_by_customer ON orders(customer_id);
CREATE INDEX orders_by_day ON orders(day);
CREATE INDEX items_by_order ON order_items(order_id);
CREATE INDEX customers_by_city ON customers(city);
ANALYZE;
SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name;
EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 42;

.print '== joins and aggregates: revenue per city (top 8)'
SELECT c.city,
       count(DISTINCT c.id)           AS customers,
       count(DISTINCT o.id)           AS orders,
       sum(i.qty)                     AS units,
       printf('%.2f', sum(i.qty * p.price)) AS revenue
FROM customers c
JOIN orders o      ON o.customer_id = c.id
JOIN order_items i ON i.order_id = o.id
JOIN products p    ON p.id = i.product_id
GROUP BY c.city
ORDER BY sum(i.qty * p.price) DESC, c.city
LIMIT 8;

.print '== countries with several cities (cities x customers, HAVING)'
SELECT ci.country,
       count(DISTINCT ci.name) AS cities,
       sum(DISTINCT ci.population) AS population,
       count(c.id) AS customers
FROM cities ci
JOIN customers c ON c.city = ci.name
GROUP BY ci.country
HAVING count(DISTINCT ci.name) > 1
ORDER BY ci.country;

.print '== monthly totals'
SELECT substr(o.day, 1, 7) AS month,
       count(DISTINCT o.id) AS orders,
       printf('%.2f', sum(i.qty * p.price)) AS revenue,
       printf('%.3f', avg(i.qty)) AS avg_qty
FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
GROUP BY month ORDER BY month;

.print '== window functions: the two cities with most orders per quarter'
WITH q AS (
  SELECT 'Q' || ((CAST(substr(o.day, 6, 2) AS INTEGER) + 2) / 3) AS quarter,
         c.city, count(*) AS orders
  FROM orders o JOIN customers c ON c.id = o.customer_id
  GROUP BY quarter, c.city
)
SELECT quarter, city, orders, rnk,
       sum(orders) OVER (PARTITION BY quarter) AS quarter_total
FROM (SELECT *, rank() OVER (PARTITION BY quarter ORDER BY orders DESC, city) AS rnk FROM q)
WHERE rnk <= 2 ORDER BY quarter, rnk;

.print '== customers without orders, and the busiest customers'
SELECT count(*) AS customers_without_orders FROM customers c
WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);
SELECT c.name, c.city, count(*) AS orders FROM customers c JOIN orders o ON o.customer_id = c.id
GROUP BY c.id ORDER BY orders DESC, c.id LIMIT 5;

.print '== fixed-date arithmetic (deterministic)'
SELECT date('2024-02-28', '+1 day') AS leap_day,
       date('2024-01-31', '+1 month') AS month_overflow,
       julianday('2024-03-01') - julianday('2023-03-01') AS days_in_year,
       strftime('%j %w %W', '2024-12-31') AS doy_dow_week,
       datetime(1700000000, 'unixepoch') AS from_unix,
       unixepoch('2038-01-19 03:14:08') AS y2038;
SELECT min(joined) AS first_joined, max(joined) AS last_joined,
       count(DISTINCT strftime('%Y', joined)) AS years FROM customers;

.print '== JSON'
SELECT json_object('city', city, 'customers', count(*)) AS j FROM customers
GROUP BY city ORDER BY count(*) DESC, city LIMIT 3;
SELECT json_extract('{"a":[1,2,{"b":"deep"}]}', '$.a[2].b') AS extracted,
       json_array_length(json_group_array(id)) AS n FROM products;

.print '== transactions: rollback, savepoints, INSERT OR IGNORE'
BEGIN;
DELETE FROM order_items;
SELECT count(*) AS items_inside_txn FROM order_items;
ROLLBACK;
SELECT count(*) AS items_after_rollback FROM order_items;
BEGIN;
SAVEPOINT sp1;
UPDATE products SET price = price * 2;
ROLLBACK TO sp1;
UPDATE products SET price = price + 1 WHERE id <= 10;
RELEASE sp1;
COMMIT;
SELECT printf('%.2f', sum(price)) AS price_total FROM products;
INSERT OR IGNORE INTO products(id, name, price) VALUES (1, 'duplicate', 1.0);
SELECT count(*) AS products_after_insert_or_ignore FROM products;
DELETE FROM order_items WHERE qty = 5;
SELECT changes() AS deleted_items, total_changes() > 0 AS any_changes;

.print '== foreign keys and checksum of the main database'
PRAGMA foreign_key_check;
SELECT 'foreign keys ok' AS fk;
CREATE TEMP VIEW checksum AS
  SELECT (SELECT sum(id * 7 + customer_id * 13 + unicode(day)) FROM orders) +
         (SELECT sum(rowid * order_id + product_id * qty) FROM order_items) +
         (SELECT sum(length(name) * id) FROM customers) AS sum;
SELECT sum AS checksum FROM checksum;

.print '== export a CSV report into /data and import it back'
.headers on
.mode csv
.output /data/report.csv
SELECT c.city, count(*) AS orders FROM customers c JOIN orders o ON o.customer_id = c.id
GROUP BY c.city ORDER BY c.city;
.output stdout
.mode table
.import --csv /data/report.csv report_copy
SELECT count(*) AS rows_imported, sum(orders) AS orders FROM report_copy;
SELECT * FROM report_copy WHERE city LIKE '%,%' OR city LIKE 'Z%';

.print '== VACUUM INTO a second file'
VACUUM INTO '/data/copy.db';
ATTACH '/data/copy.db' AS copy;
SELECT (SELECT count(*) FROM copy.orders) AS copy_orders,
       (SELECT count(*) FROM copy.order_items) AS copy_items,
       (SELECT count(*) FROM copy.sqlite_schema WHERE type = 'index') AS copy_indexes;
SELECT count(*) AS rows_differing FROM (
  SELECT * FROM main.order_items EXCEPT SELECT * FROM copy.order_items);
DETACH copy;

.print '== close and reopen /data/demo.db: the data was written to the file'
.open /data/demo.db
SELECT group_concat(name, ' ') AS tables FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name);
SELECT (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM order_items) AS items,
       (SELECT sum(id * 7 + customer_id * 13 + unicode(day)) FROM orders) +
       (SELECT sum(rowid * order_id + product_id * qty) FROM order_items) +
       (SELECT sum(length(name) * id) FROM customers) AS checksum;
PRAGMA integrity_check;
.print '== open the VACUUM copy on its own'
.open /data/copy.db
PRAGMA integrity_check;
SELECT count(*) AS items, sum(qty) AS units FROM order_items;
PRAGMA page_count;
.open /data/demo.db

.print '== clock and random (depend on the virtual clock and the seed)'
.headers off
.mode list
SELECT 'clock', datetime('now'), strftime('%s', 'now'), julianday('now');
SELECT 'clock', 'now is after 2000-01-01:', julianday('now') > julianday('2000-01-01');
SELECT 'random', random(), hex(randomblob(16));
SELECT 'random', group_concat(abs(random()) % 6 + 1, ' ') FROM (SELECT 1 FROM products LIMIT 10);
SELECT 'types of random() and randomblob():', typeof(random()), length(randomblob(16));
.print '== done'
